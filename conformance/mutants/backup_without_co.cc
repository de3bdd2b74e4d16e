// backup-without-co breaks AUTH-CO: partition archive backup runs without
// the Crypto Officer logged in to the source partition (with nobody logged
// in, or only the Crypto User). A real implementation gets this wrong by
// opening its own session on the partition with stored credentials instead
// of requiring the operator's login.
//
// Built the same way: the mutant logs the Crypto Officer in unseen for the
// one command and puts the session (and lockout counters, and the clock)
// back afterwards.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

constexpr Role kRoles[] = {Role::kCo, Role::kCu, Role::kPo, Role::kSo};

std::optional<Role> LoggedInRole(const Session& session) {
  for (Role r : kRoles) {
    if (session.LoggedIn(session.current_slot(), r)) return r;
  }
  return std::nullopt;
}

Command Login(const UserPartition& p, Role role) {
  Command c;
  c.verb = Verb::kRoleLogin;
  c.role = role;
  if (p.auth == AuthMode::kPassword) {
    c.password = role == Role::kCo   ? p.co_password
                 : role == Role::kCu ? p.cu_password
                                     : p.po_password;
  }
  return c;
}

Command Logout() {
  Command c;
  c.verb = Verb::kRoleLogout;
  return c;
}

class BackupWithoutCo final : public ProtocolHook {
 public:
  void Before(World& world, Session& session, std::string& line,
              std::vector<std::string>&) override {
    active_ = false;
    if (!Is(Parse(line), Verb::kArchiveBackup)) return;
    UserPartition* p = CurrentUser(world, session);
    if (p == nullptr || session.LoggedIn(session.current_slot(), Role::kCo)) return;
    co_lockout_ = p->co_lockout;
    po_lockout_ = p->po_lockout;
    previous_ = LoggedInRole(session);
    if (previous_) RunQuietly(world, session, Logout());
    active_ = RunQuietly(world, session, Login(*p, Role::kCo)).status.ok();
    if (!active_) Restore(world, session, *p);
  }
  void After(World& world, Session& session, const std::string&, Result&,
             std::vector<std::string>&) override {
    if (!active_) return;
    active_ = false;
    UserPartition* p = CurrentUser(world, session);
    if (p == nullptr) return;
    RunQuietly(world, session, Logout());
    Restore(world, session, *p);
  }

 private:
  void Restore(World& world, Session& session, UserPartition& p) {
    if (previous_) RunQuietly(world, session, Login(p, *previous_));
    p.co_lockout = co_lockout_;
    p.po_lockout = po_lockout_;
  }

  bool active_ = false;
  std::optional<Role> previous_;
  Lockout co_lockout_;
  Lockout po_lockout_;
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeBackupWithoutCo() { return std::make_unique<BackupWithoutCo>(); }

}  // namespace hsmbackup::mutants
