#pragma once
#include <chrono>

#include "config/pipeline_config.hpp"
#include "config/runtime_settings.hpp"
#include "decode/wal2json_decoder.hpp"
#include "metrics/metrics_registry.hpp"
#include "pipeline/async_deliveries.hpp"
#include "pipeline/pipeline_stages.hpp"
#include "pipeline/progress_tracker.hpp"
#include "source/change_consumer.hpp"

namespace popyka::pipeline {

// Runs each message through the global filters, then each processor (behind its own filters),
// with the processor's error handlers deciding on failures, exactly as the original popyka's
// documented semantics (ORIGINAL.md), and tracks which LSN may be confirmed.
// Everything runs on the caller's thread.
class Pipeline final : public source::ChangeConsumer {
 public:
  // Builds every component; `check_only` (for --check-config) tells them to connect nowhere.
  Pipeline(const config::PipelineConfig& config, const plugin_loading::PluginRegistry& registry, const config::RuntimeSettings& settings,
           bool check_only = false);

  void consume(std::string_view json, sdk::Lsn lsn) override;
  void poll(std::chrono::milliseconds wait) override;
  sdk::Lsn checkpoint() override;
  bool has_pending() const override { return progress_.has_pending(); }

  const PipelineStages& stages() const noexcept { return stages_; }

 private:
  enum class Next { Processor, Message };

  bool accepted_by(std::vector<FilterStage>& filters, const sdk::Change& change);
  Next run_processor(std::size_t index, decode::DecodedChange& change, ProgressTracker::Sequence sequence, int attempts_so_far);
  // What the processor's error handlers decide (counted per outcome).
  sdk::ErrorAction decide(ProcessorStage& processor, const sdk::Change& change, std::string_view error);
  sdk::ErrorAction decide_unrecorded(ProcessorStage& processor, const sdk::Change& change, std::string_view error);
  void handle_async_failures();
  void count_done(const sdk::Change& change);
  sdk::Ticket defer_current(std::size_t processor);
  [[noreturn]] void abort_on(const ProcessorStage& processor, const sdk::Change& change, std::string_view why);

  // Where process() is right now, so Host::defer() knows what it is about.
  struct CurrentCall {
    bool active = false;
    std::size_t processor = 0;
    ProgressTracker::Sequence sequence = 0;
    const sdk::Change* change = nullptr;
    int attempts = 0;
  };

  config::RuntimeSettings settings_;
  decode::Wal2JsonDecoder decoder_;
  decode::Wal2JsonDecoder retry_decoder_;  // for failed deliveries, decoded again between changes
  ProgressTracker progress_;
  AsyncDeliveries deliveries_{progress_};
  CurrentCall current_;
  metrics::Registry& metrics_ = metrics::registry();
  std::vector<metrics::ProcessorMetrics*> processor_metrics_;  // by processor index
  PipelineStages stages_;  // last, so components go before the state they report into
};

}  // namespace popyka::pipeline
