namespace hsmbackup::conformance {}
