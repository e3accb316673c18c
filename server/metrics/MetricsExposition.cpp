#include "server/metrics/MetricsExposition.h"

#include <prometheus/gauge.h>
#include <prometheus/text_serializer.h>

#include "server/metrics/BuildInfo.h"

namespace chorus::server {

MetricsExposition::MetricsExposition() : registry_(std::make_shared<prometheus::Registry>()) {
  const BuildInfo& info = buildInfo();
  prometheus::BuildGauge()
      .Name("chorus_build_info")
      .Help("Which chorusd is running; always 1")
      .Register(*registry_)
      .Add({{"version", std::string(info.version)},
            {"commit", std::string(info.commit)},
            {"compiler", std::string(info.compiler)},
            {"build_type", std::string(info.buildType)}})
      .Set(1);
  collectors_.push_back(registry_.get());
}

void MetricsExposition::addCollector(const prometheus::Collectable& collector) {
  collectors_.push_back(&collector);
}

std::string MetricsExposition::scrape() const {
  std::vector<prometheus::MetricFamily> families;
  for (const auto* collector : collectors_) {
    auto collected = collector->Collect();
    families.insert(families.end(), std::make_move_iterator(collected.begin()),
                    std::make_move_iterator(collected.end()));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace chorus::server
