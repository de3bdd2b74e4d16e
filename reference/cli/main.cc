#include "tool.h"

int main(int argc, char** argv) { return hsmbackup::cli::Main(argc, argv); }
