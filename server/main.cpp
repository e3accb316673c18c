// chorusd: the Chorus media server.
#include <cstdlib>
#include <iostream>

#include <boost/system/system_error.hpp>
#include <spdlog/spdlog.h>

#include "server/CommandLine.h"
#include "server/Server.h"
#include "server/log/Logging.h"
#include "server/shard/CpuBudget.h"

namespace {

constexpr int kExitRuntimeError = 1;

unsigned workerCount(const chorus::server::Config& config) {
  const auto budget = chorus::server::CpuBudget::detect();
  spdlog::info("cpu_budget affinity_cpus={} quota_cpus={} configured_workers={}",
               budget.affinityCpus, budget.quotaCpus ? std::to_string(*budget.quotaCpus) : "none",
               config.workers.count);
  return config.workers.count != 0 ? config.workers.count : budget.usable();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace chorus::server;
  const CommandLine commandLine = CommandLine::parse(argc, argv);
  if (commandLine.exitStatus) {
    std::cout << commandLine.output;
    return *commandLine.exitStatus;
  }
  configureLogging(commandLine.config.log);
  try {
    Server server(commandLine.config, workerCount(commandLine.config));
    return server.run();
  } catch (const ConfigError& error) {
    std::cerr << "chorusd: " << error.what() << "\n";
    return CommandLine::kExitConfigError;
  } catch (const boost::system::system_error& error) {
    spdlog::critical("chorusd_failed error={}", logValue(error.what()));
    return kExitRuntimeError;
  }
}
