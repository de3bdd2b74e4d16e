// Running one check: seeds, case counts, a fresh target per check, and
// turning anything that goes wrong into an outcome rather than a crash.
#include "conformance/runner.h"

#include <algorithm>
#include <chrono>
#include <exception>

namespace hsmbackup::conformance {

uint64_t CheckSeed(uint64_t run_seed, const std::string& check_id) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a offset basis
  for (unsigned char c : check_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // splitmix64 of the mix, so nearby run seeds give unrelated check seeds.
  uint64_t z = run_seed ^ h;
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

int CasesFor(const Check& check, std::optional<int> override) {
  if (check.default_cases <= 1) return 1;
  return override ? *override : check.default_cases;
}

std::vector<const Check*> SelectChecks(const std::vector<Check>& checks,
                                       const std::set<std::string>& clauses) {
  std::vector<const Check*> selected;
  for (const Check& c : checks) {
    const bool wanted =
        clauses.empty() || std::any_of(c.clauses.begin(), c.clauses.end(),
                                       [&](const std::string& id) { return clauses.count(id); });
    if (wanted) selected.push_back(&c);
  }
  return selected;
}

NextProcess ChooseNextProcess(bool fixed_world, bool forks) {
  if (fixed_world) return NextProcess::kWhenAsked;
  return forks ? NextProcess::kFork : NextProcess::kOneAhead;
}

TargetFactory WithoutPipelining(TargetFactory factory) {
  return [factory = std::move(factory)](TargetError* error) -> std::unique_ptr<Target> {
    std::unique_ptr<Target> t = factory(error);
    if (t != nullptr) t->ForbidPipelining();
    return t;
  };
}

TargetFactory MakeTargetFactory(const std::string& command,
                                std::chrono::milliseconds answer_timeout, bool reuse,
                                NextProcess next) {
  TargetFactory fresh;
  if (command.empty()) {
    fresh = [](TargetError*) { return MakeInProcessTarget(); };
  } else {
    fresh = [command, answer_timeout](TargetError* error) {
      return MakeSubprocessTarget(command, error, answer_timeout);
    };
  }
  if (!reuse && (command.empty() || next == NextProcess::kWhenAsked)) return fresh;
  if (!reuse && next == NextProcess::kFork) {
    // One process for the run, which copies itself for each check (a fork
    // costs page tables, a start costs a program's loading and set-up). It
    // is handshaken once, and replaced (with whatever copy it has) when a
    // copy fails: what that copy left in the pipes would be read next.
    struct Forking {
      std::unique_ptr<Target> process;
      long next_id = 1;
    };
    auto forking = std::make_shared<Forking>();
    return [fresh, forking](TargetError* error) -> std::unique_ptr<Target> {
      Forking& f = *forking;
      if (f.process == nullptr || !f.process->Alive()) {
        f.process = fresh(error);
        if (f.process == nullptr) return nullptr;
        std::optional<Hello> hello = f.process->Handshake(error);
        if (hello && !hello->Has(kForkCapability)) {
          *error = {std::string("its hello does not list '") + kForkCapability +
                    "', which --next-process fork needs (PROTOCOL.md, fork)"};
        }
        if (!hello || !hello->Has(kForkCapability)) {
          error->message = "the process to fork each check from: " + error->message;
          f.process.reset();
          return nullptr;
        }
        f.next_id = f.process->NextId();
      }
      return MakeForkedTarget(f.process.get(), &f.next_id, error);
    };
  }
  if (!reuse && next == NextProcess::kAfterBye) {
    // The next process starts while this one exits: a process per check
    // then pays its start-up beside that exit and the runner's own work
    // between checks rather than after them.
    auto started = std::make_shared<std::unique_ptr<Target>>();
    return [fresh, started](TargetError* error) -> std::unique_ptr<Target> {
      std::unique_ptr<Target> t = std::move(*started);
      if (t == nullptr || !t->Alive()) t = fresh(error);
      if (t == nullptr) return nullptr;
      t->AfterBye([fresh, started] {
        TargetError ignored;
        *started = fresh(&ignored);
      });
      return t;
    };
  }
  if (!reuse) {
    // One process per check, started one check ahead: the next check's
    // process starts (loads, opens what it opens) while this check runs,
    // so isolation costs little more than one process for the whole run.
    // The spare is started only after this check's target, and one that
    // could not start or died waiting is replaced by a fresh one whose
    // error is the one reported.
    auto ahead = std::make_shared<std::unique_ptr<Target>>();
    return [fresh, ahead](TargetError* error) -> std::unique_ptr<Target> {
      std::unique_ptr<Target> t = std::move(*ahead);
      if (t == nullptr || !t->Alive()) t = fresh(error);
      if (t == nullptr) return nullptr;
      TargetError ignored;
      *ahead = fresh(&ignored);
      return t;
    };
  }
  auto shared = std::make_shared<std::unique_ptr<Target>>();
  return [fresh, shared](TargetError* error) -> std::unique_ptr<Target> {
    if (*shared == nullptr || !(*shared)->Alive()) {
      *shared = fresh(error);
      if (*shared == nullptr) return nullptr;
    }
    return MakeBorrowedTarget(shared->get());
  };
}

std::optional<Hello> Preflight(const TargetFactory& factory, const std::string& target_name,
                               TargetError* error, std::chrono::nanoseconds* startup) {
  const auto asked = std::chrono::steady_clock::now();
  std::unique_ptr<Target> target = factory(error);
  if (target == nullptr) return std::nullopt;  // the message names the command
  std::optional<Hello> hello = target->Handshake(error);
  if (!hello) {
    error->message =
        "target '" + target_name + "' did not complete the hello handshake: " + error->message;
    return std::nullopt;
  }
  if (startup != nullptr) *startup = std::chrono::steady_clock::now() - asked;
  if (!target->Close(error)) {
    error->message = "target '" + target_name + "': " + error->message;
    return std::nullopt;
  }
  return hello;
}

CheckOutcome NotApplicableOutcome(const Check& check, uint64_t run_seed,
                                  std::optional<int> cases_override, std::string why) {
  CheckOutcome out;
  out.family = check.family;
  out.name = check.name;
  out.clauses = check.clauses;
  out.seed = CheckSeed(run_seed, check.id());
  out.cases = CasesFor(check, cases_override);
  out.status = CheckStatus::kNotApplicable;
  out.message = std::move(why);
  return out;
}

std::string FixedWorldNotApplicable(const Check& check, bool fixed) {
  if (!fixed) {
    return check.fixed_world ? "runs only against a fixed-world target (hello lists '" +
                                   std::string(kFixedWorldCapability) + "')"
                             : "";
  }
  if (check.fixed_world) return "";
  std::string faults;
  for (const std::string& cap : check.capabilities) {
    if (cap.rfind("fault.", 0) == 0) faults += (faults.empty() ? "'" : ", '") + cap + "'";
  }
  if (!faults.empty()) {
    return "needs a fault switch (" + faults +
           "), which only load can arm, and the target's world is fixed (hello lists '" +
           kFixedWorldCapability + "')";
  }
  return std::string("loads generated worlds, and the target's world is fixed (hello lists '") +
         kFixedWorldCapability + "'): see FIXED-WORLD.md";
}

CheckOutcome RunCheck(const Check& check, const TargetFactory& factory, uint64_t run_seed,
                      std::optional<int> cases_override, const FixedWorldConfig* fixed_world) {
  CheckOutcome out;
  out.family = check.family;
  out.name = check.name;
  out.clauses = check.clauses;
  out.seed = CheckSeed(run_seed, check.id());
  out.cases = CasesFor(check, cases_override);
  const auto start = std::chrono::steady_clock::now();
  CheckResult result;
  try {
    TargetError error;
    std::unique_ptr<Target> target = factory(&error);
    std::optional<Hello> hello;
    if (target == nullptr) {
      result = CheckResult::Error(error.message);
    } else if (!(hello = target->Handshake(&error))) {
      result = CheckResult::Error("hello handshake failed: " + error.message);
    } else {
      std::vector<std::string> missing;
      for (const std::string& cap : check.capabilities) {
        if (!hello->Has(cap)) missing.push_back(cap);
      }
      const std::string fixed_why =
          FixedWorldNotApplicable(check, hello->Has(kFixedWorldCapability));
      if (!fixed_why.empty()) {
        result = CheckResult::NotApplicable(fixed_why);
      } else if (!missing.empty()) {
        std::string names;
        for (const std::string& m : missing) names += (names.empty() ? "'" : ", '") + m + "'";
        result = CheckResult::NotApplicable("the target lacks capability " + names);
      } else if (!check.run) {
        result = CheckResult::Error("the check has no run function");
      } else {
        CheckContext ctx{target.get(), *hello, out.seed, out.cases, fixed_world};
        result = check.run(ctx);
      }
      // PROTOCOL.md, Lifecycle: a target that does not exit after bye
      // would cost every check the kill; say so rather than pass quietly.
      if (!target->Close(&error)) {
        if (result.status == CheckStatus::kFail) {
          result.message += "\n(also: " + error.message + ")";
        } else {
          result = CheckResult::Error(error.message);
        }
      }
    }
  } catch (const std::exception& e) {
    result = CheckResult::Error(std::string("the check threw an exception: ") + e.what());
  } catch (...) {
    result = CheckResult::Error("the check threw a non-standard exception");
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.status = result.status;
  out.message = std::move(result.message);
  out.failed_clauses = std::move(result.failed_clauses);
  out.counterexample = std::move(result.counterexample);
  out.cases_run = result.cases_run;
  out.judged_through = result.judged_through && result.status == CheckStatus::kFail;
  out.unjudged = std::move(result.unjudged);
  if (out.counterexample && out.counterexample->seed == 0) out.counterexample->seed = out.seed;
  return out;
}

}  // namespace hsmbackup::conformance
