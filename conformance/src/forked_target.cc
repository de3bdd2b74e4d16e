// A check's process copied by fork from one process started for the run
// (PROTOCOL.md, "fork"): the copy speaks through its original's pipes, and
// the original answers the fork once the copy has exited.
#include <memory>
#include <string>

#include "conformance/target.h"

namespace hsmbackup::conformance {
namespace {

// HowItEnded is the fork's answer's account of the copy, for a message.
std::string HowItEnded(const Json& answer) {
  if (!answer.value("ok", false)) {
    const Json e = answer.value("error", Json::object());
    const Json code = e.is_object() ? e.value("code", Json()) : Json();
    const Json message = e.is_object() ? e.value("message", Json()) : Json();
    return "the target refused the fork: " +
           (code.is_string() ? code.get<std::string>() : std::string("?")) + ": " +
           (message.is_string() ? message.get<std::string>().substr(0, 200) : std::string());
  }
  if (answer.contains("signal") && answer["signal"].is_number_integer()) {
    return "the check's process (a copy made by fork) was killed by signal " +
           std::to_string(answer["signal"].get<long>());
  }
  if (answer.contains("exit_code") && answer["exit_code"].is_number_integer()) {
    return "the check's process (a copy made by fork) exited with code " +
           std::to_string(answer["exit_code"].get<long>());
  }
  return "the check's process (a copy made by fork) ended";
}

class ForkedTarget final : public Target {
 public:
  ForkedTarget(Target* forking, long fork_id, long* next_id)
      : forking_(forking), fork_id_(fork_id), next_id_(next_id) {
    StartIdsAt(fork_id + 1);
  }
  ~ForkedTarget() override {
    TargetError ignored;
    Close(&ignored);
    *next_id_ = NextId() + 1;  // the ids Close may have used included
  }

  bool Close(TargetError* error) override {
    if (closed_) return true;
    closed_ = true;
    if (!Alive()) return true;  // out of service: `forking` went with it
    Bye();
    if (!Alive()) return true;
    TargetError late;
    std::optional<std::string> line = forking_->RawReadWithin(kExitAfterBye, &late);
    const Json answer = line ? ParseJson(*line) : Json();
    if (answer.is_object() && answer.value("id", Json()) == fork_id_ && answer.value("ok", false)) {
      return true;
    }
    *error = {line ? "after the check's 'bye' the target answered " +
                         std::string(answer.is_object() ? "with another id" : "a line not JSON") +
                         " where the answer to 'fork' (request " + std::to_string(fork_id_) +
                         ") was due: its answers are out of step (PROTOCOL.md, fork)"
                   : "the check's process (a copy made by fork) did not exit within " +
                         std::to_string(kExitAfterBye.count()) +
                         " s of 'bye' (the fork got no answer) and was killed with the process "
                         "that forked it (PROTOCOL.md, fork)"};
    forking_->TakeOutOfService(error->message);
    return false;
  }

  void TakeOutOfService(const std::string& why) override {
    Target::TakeOutOfService(why);
    forking_->TakeOutOfService(why);  // what the copy left in the pipes is unread
  }

 protected:
  bool Running() const override { return forking_->Alive(); }
  std::optional<std::string> Exchange(const std::string& request, TargetError* error) override {
    return forking_->Raw(request, error);
  }
  // Pipelined stops at the fork's answer: a copy that ended after reading
  // the lines answers no more of them, and waiting for the rest would cost
  // the whole answer timeout. The fork's answer then stands for every line
  // from the one it came in place of, so the caller's check of that one
  // (StrayAnswer) names the request the copy left unanswered.
  std::vector<std::string> Pipelined(const std::vector<std::string>& lines,
                                     const std::function<void()>& meanwhile,
                                     TargetError* error) override {
    std::string together;
    for (const std::string& line : lines) together += line + "\n";
    std::vector<std::string> answers;
    if (!forking_->RawSend(together, error)) return answers;
    if (meanwhile) meanwhile();
    while (answers.size() < lines.size()) {
      std::optional<std::string> answer = forking_->RawRead(error);
      if (!answer) break;
      answers.push_back(std::move(*answer));
      if (IsForkAnswer(answers.back())) answers.resize(lines.size(), answers.back());
    }
    return answers;
  }
  bool Write(const std::string& bytes, TargetError* error) override {
    return forking_->RawWrite(bytes, error);
  }
  std::optional<std::string> Read(TargetError* error) override { return forking_->RawRead(error); }

  // IsForkAnswer: `line` answers the fork. Only a short line holding the
  // fork's id in digits is parsed to see: the check's own answers are parsed
  // once more by the caller, and most are longer or hold other numbers.
  bool IsForkAnswer(const std::string& line) const {
    constexpr size_t kLongest = 4096;
    if (line.size() > kLongest || line.find(fork_digits_) == std::string::npos) return false;
    const Json answer = ParseJson(line);
    return answer.is_object() && answer.value("id", Json()) == fork_id_;
  }

  bool StrayAnswer(const Json& response, long id, const Json& request,
                   TargetError* error) override {
    const Json answered = response.value("id", Json());
    if (answered.is_number_integer() && answered.get<long>() < fork_id_) {
      *error = {"target answered request " + std::to_string(id) + " (" +
                request.value("op", std::string()) + ") with id " + answered.dump() +
                ", a request from before this check's fork (" + std::to_string(fork_id_) +
                "): the process that forked answered a line it had read past an earlier fork "
                "line, which was the copy's (drop it: PROTOCOL.md, fork)"};
      return true;
    }
    if (answered != fork_id_) return false;
    *error = {HowItEnded(response) + " before answering request " + std::to_string(id) + " (" +
              request.value("op", std::string()) + ")"};
    return true;
  }

 private:
  Target* forking_;
  long fork_id_;
  std::string fork_digits_ = std::to_string(fork_id_);
  long* next_id_;
  bool closed_ = false;
};

}  // namespace

std::unique_ptr<Target> MakeForkedTarget(Target* forking, long* next_id, TargetError* error) {
  const long fork_id = (*next_id)++;
  const Json request{{"id", fork_id}, {"op", "fork"}};
  // Not waited for: the copy's hello may reach the process that forked in
  // the same read, and it must leave that to the copy (PROTOCOL.md, fork).
  if (!forking->RawSend(request.dump() + "\n", error)) {
    forking->TakeOutOfService("fork request " + std::to_string(fork_id) + ": " + error->message);
    return nullptr;
  }
  return std::make_unique<ForkedTarget>(forking, fork_id, next_id);
}

}  // namespace hsmbackup::conformance
