#pragma once
#include <chrono>

#include "config/pipeline_config.hpp"
#include "config/runtime_settings.hpp"
#include "decode/wal2json_decoder.hpp"
#include "metrics/metrics_registry.hpp"
#include "pipeline/async_deliveries.hpp"
#include "pipeline/call_watchdog.hpp"
#include "pipeline/pipeline_stages.hpp"
#include "pipeline/progress_tracker.hpp"
#include "pipeline/unchanged_toast_step.hpp"
#include "source/change_consumer.hpp"

namespace popyka::pipeline {

// Runs each message through the global filters, then each processor (behind its own filters),
// with the processor's error handlers deciding on failures, exactly as the original popyka's
// documented semantics (README.md, "How a change flows"), and tracks which LSN may be confirmed.
// Everything runs on the caller's thread. A call into a plugin that outlasts its time limit
// (a processor's `timeout_s`, else POPYKA_CALL_TIMEOUT_S) cannot be cancelled, and the change it
// holds cannot be handed on while it does: `on_overrun` is told, and by default reports it and
// ends the process with exit code 2, confirming nothing more (the change comes again on restart).
class Pipeline final : public source::ChangeConsumer {
 public:
  // Builds every component; `check_only` (for --check-config) tells them to connect nowhere.
  // Counts changes and each processor's work in `metrics` (what /metrics and the progress log read).
  Pipeline(const config::PipelineConfig& config, const plugin_loading::PluginRegistry& registry, const config::RuntimeSettings& settings,
           metrics::Registry& metrics, bool check_only = false, CallWatchdog::Overrun on_overrun = exit_on_overrun);

  // Destroys the components one by one, each bounded like its calls and named if it throws.
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // The default reaction to a call over its time limit: the abort report, then _Exit(2).
  [[noreturn]] static void exit_on_overrun(const std::string& description);

  void consume(std::string_view json, sdk::Lsn lsn) override { consume_padded(json, lsn, 0); }
  void consume_padded(std::string_view json, sdk::Lsn lsn, std::size_t readable_after) override;
  void consume_decoded(decode::DecodedChange& change, std::size_t bytes) override { run(change, bytes); }
  void use_column_details(decode::ColumnDetailsLookup* lookup) override {
    decoder_.set_column_details_lookup(lookup);
    retry_decoder_.set_column_details_lookup(lookup);  // a retried change has its details too
  }
  void poll(std::chrono::milliseconds wait) override;
  sdk::Lsn checkpoint() override;
  bool has_pending() const override { return progress_.has_pending(); }

  const PipelineStages& stages() const noexcept { return stages_; }

 private:
  enum class Next { Processor, Message };

  // Everything after decoding: filters, processors, metrics and progress for one change of
  // `bytes` bytes.
  void run(decode::DecodedChange& change, std::size_t bytes);

  // Runs `call` into `stage`'s component under the watchdog; an exception becomes its message.
  template <class T, class Call>
  std::optional<std::string> guarded(const Stage<T>& stage, const char* function, sdk::Lsn lsn, std::chrono::milliseconds limit,
                                     Call&& call);
  template <class T>
  void destroy(Stage<T>& stage, std::chrono::milliseconds limit);
  bool accepted_by(std::vector<FilterStage>& filters, const sdk::Change& change, std::chrono::milliseconds limit);
  Next run_processor(std::size_t index, decode::DecodedChange& change, ProgressTracker::Sequence sequence, int attempts_so_far);
  // What the processor's error handlers decide (counted per outcome).
  // A `permanent` failure (sdk::PermanentError) is never retried: RetryProcessor means NextErrorHandler.
  sdk::ErrorAction decide(std::size_t processor, const decode::DecodedChange& change, std::string_view error, bool permanent);
  sdk::ErrorAction decide_unrecorded(std::size_t processor, const decode::DecodedChange& change, std::string_view error, bool permanent);
  void handle_async_failures();
  void count_done(const sdk::Change& change);
  sdk::Ticket defer_current(std::size_t processor);
  [[noreturn]] void abort_on(const ProcessorStage& processor, const sdk::Change& change, std::string_view why);

  // Where process() is right now, so Host::defer() knows what it is about.
  struct CurrentCall {
    bool active = false;
    std::size_t processor = 0;
    ProgressTracker::Sequence sequence = 0;
    const decode::DecodedChange* change = nullptr;
    int attempts = 0;
  };

  config::RuntimeSettings settings_;
  decode::Wal2JsonDecoder decoder_;
  UnchangedToastStep unchanged_toast_;
  decode::Wal2JsonDecoder retry_decoder_;  // for failed deliveries, decoded again between changes
  ProgressTracker progress_;
  AsyncDeliveries deliveries_{progress_};
  CurrentCall current_;
  metrics::Registry& metrics_;
  std::vector<metrics::ProcessorMetrics*> processor_metrics_;  // by processor index
  std::chrono::milliseconds filter_limit_;                // POPYKA_CALL_TIMEOUT_S, for the global filters
  std::vector<std::chrono::milliseconds> processor_limits_;  // by processor index
  PipelineStages stages_;  // after the state components report into, so they go first
  CallWatchdog watchdog_;  // last: stopped before the stages whose names it reports
};

}  // namespace popyka::pipeline
