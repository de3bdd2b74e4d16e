// A valid world that touches every key of the schema, for the world tests.
//
// Every secret in it is distinctive (SECRET-..., and hex runs 5ec2e7 for the
// SMK, b10bb10b for the SMK blob, 5ea1ed for sealed blobs, c0ffee for object
// values) so tests can assert no message ever shows one.
#ifndef HSMBACKUP_TESTS_WORLD_WORLD_TEST_DATA_H_
#define HSMBACKUP_TESTS_WORLD_WORLD_TEST_DATA_H_

#include <string_view>

namespace hsmbackup::testing {

inline constexpr std::string_view kFullWorld = R"json({
  "format": "hsmbackup-world/1",
  "client": {"version": "10.4.0", "default_domain": "SECRET-default-domain-q0"},
  "clock": {"now": "2019-03-09T16:52:47Z", "step_seconds": 2},
  "rng": {"seed": 42, "counter": 7},
  "slots": [
    {"id": 0, "user_partition": {
      "label": "src", "serial": "1234", "firmware": "7.8.0", "kind": "v0",
      "domain": "SECRET-domain-q1",
      "policies": {"allow_private_key_cloning": true, "allow_secret_key_cloning": false},
      "capacity": 10000,
      "credentials": {"po": "SECRET-po-q2", "co": "SECRET-co-q3", "cu": "SECRET-cu-q4"},
      "co_lockout_threshold": 5,
      "lockout": {"po": 1, "co": 2},
      "handles": {"next": 100, "queue": [7, 8]},
      "objects": [
        {"handle": 5, "ouid": "000000000000000000000005", "class": "private_key",
         "label": "k1", "attributes": {"CKA_ID": "01", "CKA_KEY_TYPE": "CKK_RSA"}, "size": 100},
        {"handle": 6, "ouid": "000000000000000000000006", "class": "data", "label": "d1",
         "value": "c0ffeec0ffee"}
      ]}},
    {"id": 1, "user_partition": {
      "label": "sks", "serial": "5678", "firmware": "7.8.0", "kind": "v1", "auth": "ped",
      "domain": "SECRET-domain-q5",
      "policies": {"allow_private_key_cloning": false, "allow_private_key_wrapping": true},
      "capacity": 10000, "zeroized": true,
      "smk": "5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2"
    }},
    {"id": 2, "backup_hsm": {
      "model": "backup_hsm_7", "label": "bh7", "serial": "999", "firmware": "7.7.2",
      "connection": "usb", "capacity": 100000, "so_password": "SECRET-so-q6",
      "so_lockout": 1,
      "partitions": [
        {"name": "b1", "domain": "SECRET-domain-q1", "password": "SECRET-bpo-q8",
         "origin": "v0", "source_label": "src", "created": "2019-03-01T00:00:00Z",
         "allocated": 20000, "user_lockout": 3,
         "objects": [
           {"handle": 14, "ouid": "000000000000000000000005", "label": "k1", "size": 100,
            "object": {"class": "private_key", "attributes": {"CKA_ID": "01"}, "size": 100}},
           {"handle": 16, "ouid": "000000000000000000000006", "label": "d1", "size": 6,
            "object": {"class": "data", "value": "c0ffeec0ffee"}}]},
        {"name": "b2", "domain": "SECRET-domain-q1", "password": "SECRET-bpo-q9",
         "origin": "v1", "source_label": "sks", "created": "2019-03-02T00:00:00Z",
         "allocated": 20000, "smk_blob": "b10bb10bb10bb10b",
         "objects": [
           {"handle": 15, "ouid": "000000000000000000000009", "label": "s1", "size": 50,
            "sealed": "5ea1ed5ea1ed"}]}
      ]}},
    {"id": 3, "backup_hsm": {
      "model": "backup_hsm_g5", "label": "g5", "serial": "77", "firmware": "6.28.0",
      "auth": "ped", "capacity": 50000, "ped_domain": "SECRET-peddomain-q10",
      "zeroized": true, "handles": {"next": 3},
      "partitions": [
        {"name": "p1", "domain": "SECRET-domain-q11", "origin": "pre77", "source_label": "old",
         "created": "2018-01-01T00:00:00Z", "allocated": 9648}]}}
  ],
  "faults": [
    {"type": "verify_fail", "handle": 6, "slot": 2},
    {"type": "partition_full", "at": 2},
    {"type": "shrink_fail", "slot": 2}
  ]
}
)json";

}  // namespace hsmbackup::testing

#endif  // HSMBACKUP_TESTS_WORLD_WORLD_TEST_DATA_H_
