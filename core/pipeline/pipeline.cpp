#include "pipeline/pipeline.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdlib>

#include "pipeline/pipeline_abort.hpp"
#include "pipeline/terminate_report.hpp"
#include "popyka/sdk/errors.hpp"

namespace popyka::pipeline {
namespace {

static_assert(source::kInPlacePadding >= decode::Wal2JsonDecoder::kPadding);

// Runs a call into a plugin; any exception becomes its message.
template <class Call>
std::optional<std::string> failure_of(Call&& call) {
  try {
    call();
    return std::nullopt;
  } catch (...) {
    return exception_text(std::current_exception());
  }
}

std::string at_lsn(const sdk::Change& change) { return change.lsn() != 0 ? " at LSN " + sdk::format_lsn(change.lsn()) : ""; }

// Seconds from the config to a limit; past ~30 years is as good as none.
std::chrono::milliseconds limit_of(double seconds) { return std::chrono::milliseconds(std::llround(std::min(seconds, 1e9) * 1000)); }

}  // namespace

void Pipeline::exit_on_overrun(const std::string& description) {
  report_abort(description +
               "; a blocked call cannot be cancelled, so popyka-host exits, confirming nothing more: a change the call holds "
               "comes again after a restart (if the call is only slow, raise the processor's timeout_s or POPYKA_CALL_TIMEOUT_S)");
  std::_Exit(kAbortExitCode);
}

Pipeline::Pipeline(const config::PipelineConfig& config, const plugin_loading::PluginRegistry& registry,
                   const config::RuntimeSettings& settings, metrics::Registry& metrics, bool check_only,
                   CallWatchdog::Overrun on_overrun)
    : settings_(settings),
      unchanged_toast_(config.database.unchanged_toast),
      metrics_(metrics),
      filter_limit_(limit_of(settings.call_timeout_s)),
      watchdog_(std::move(on_overrun)) {
  for (const auto& processor : config.processors) {
    processor_metrics_.push_back(&metrics_.add_processor(processor.path + ":" + processor.class_name));
    processor_limits_.push_back(limit_of(processor.timeout_s.value_or(settings.call_timeout_s)));
  }
  stages_ = build_stages(config, registry, check_only, [this](std::size_t index) {
    metrics::ProcessorMetrics& counters = *processor_metrics_[index];
    return ComponentHost::Deliveries{[this, index] { return defer_current(index); },
                                     [this, &counters](sdk::Ticket ticket) {
                                       counters.in_flight.add(-1);
                                       deliveries_.delivered(ticket);
                                     },
                                     [this, &counters](sdk::Ticket ticket, std::string_view error, bool permanent) {
                                       counters.in_flight.add(-1);
                                       counters.delivery_failures.add();
                                       deliveries_.failed(ticket, std::string(error), permanent);
                                     }};
  });
}

Pipeline::~Pipeline() {
  // The order the members would go in (ProcessorStage's own before its base, processors before
  // the global filters), but under the watchdog: a destructor that blocks at stop is reported.
  for (std::size_t i = 0; i < stages_.processors.size(); ++i) {
    ProcessorStage& processor = stages_.processors[i];
    for (ErrorHandlerStage& handler : processor.error_handlers) destroy(handler, processor_limits_[i]);
    for (FilterStage& filter : processor.filters) destroy(filter, processor_limits_[i]);
    destroy(processor, processor_limits_[i]);
  }
  for (FilterStage& filter : stages_.filters) destroy(filter, filter_limit_);
}

template <class T>
void Pipeline::destroy(Stage<T>& stage, std::chrono::milliseconds limit) {
  // Nothing to catch (a destructor that throws ends in std::terminate), but bounded and named.
  if (stage.component) guarded(stage, "its destructor", 0, limit, [&] { stage.component.reset(); });
}

void Pipeline::consume_padded(std::string_view json, sdk::Lsn lsn, std::size_t readable_after) {
  const decode::DecodedChange* decoded = nullptr;
  if (auto error = failure_of([&] { decoded = &decoder_.decode(json, lsn, readable_after); }))
    throw PipelineAbort(fmt::format("cannot read the message{}: {}", lsn != 0 ? " at LSN " + sdk::format_lsn(lsn) : "", *error));
  run(decoder_.current(), json.size());
}

void Pipeline::run(decode::DecodedChange& change, std::size_t bytes) {
  unchanged_toast_.apply(change);
  const std::size_t action = metrics::action_index(change.action());
  metrics_.received[action].add();
  metrics_.received_bytes.add(bytes);
  metrics_.received_lsn.set(static_cast<std::int64_t>(change.lsn()));
  const auto sequence = progress_.begin(change.lsn());
  if (accepted_by(stages_.filters, change, filter_limit_)) {
    for (std::size_t i = 0; i < stages_.processors.size(); ++i) {
      if (!accepted_by(stages_.processors[i].filters, change, processor_limits_[i])) continue;
      change.set_retries(0);
      if (run_processor(i, change, sequence, 0) == Next::Message) break;
    }
  } else {
    metrics_.filtered[action].add();
  }
  progress_.release(sequence);
  count_done(change);
  handle_async_failures();
}

void Pipeline::count_done(const sdk::Change& change) {
  metrics_.processed_lsn.set(static_cast<std::int64_t>(change.lsn()));
  // One timestamp parse per transaction, for the lag in seconds.
  if (change.action() != sdk::Action::Commit) return;
  std::string_view timestamp = change.timestamp().json();
  if (timestamp.size() < 2 || timestamp.front() != '"') return;
  if (auto micros = metrics::parse_timestamp_us(timestamp.substr(1, timestamp.size() - 2))) metrics_.last_commit_unix_us.set(*micros);
}

template <class T, class Call>
std::optional<std::string> Pipeline::guarded(const Stage<T>& stage, const char* function, sdk::Lsn lsn, std::chrono::milliseconds limit,
                                             Call&& call) {
  const TerminateContext context(stage.path, stage.class_name, function);
  watchdog_.begin({&stage.path, &stage.class_name, function, lsn, limit});
  auto error = failure_of(std::forward<Call>(call));
  watchdog_.end();
  return error;
}

bool Pipeline::accepted_by(std::vector<FilterStage>& filters, const sdk::Change& change, std::chrono::milliseconds limit) {
  for (FilterStage& filter : filters) {
    sdk::FilterResult result = sdk::FilterResult::Continue;
    if (auto error = guarded(filter, "filter()", change.lsn(), limit, [&] { result = filter.component->filter(change); }))
      throw PipelineAbort(fmt::format("{} ({}) failed on the change{}: {}", filter.path, filter.class_name, at_lsn(change), *error));
    if (result == sdk::FilterResult::Process) return true;
    if (result == sdk::FilterResult::Ignore) return false;
  }
  return true;
}

Pipeline::Next Pipeline::run_processor(std::size_t index, decode::DecodedChange& change, ProgressTracker::Sequence sequence,
                                       int attempts_so_far) {
  ProcessorStage& processor = stages_.processors[index];
  for (int attempts = attempts_so_far + 1;; ++attempts) {
    if (attempts > settings_.max_processing_attempts)
      abort_on(processor, change, fmt::format("gave up after {} attempts (POPYKA_MAX_PROCESSING_ATTEMPTS)", settings_.max_processing_attempts));
    current_ = CurrentCall{true, index, sequence, &change, attempts};
    bool permanent = false;
    auto error = guarded(processor, "process()", change.lsn(), processor_limits_[index], [&] {
      try {
        processor.component->process(change);
      } catch (const sdk::PermanentError&) {
        permanent = true;
        throw;
      }
    });
    current_.active = false;
    metrics::ProcessorMetrics& counters = *processor_metrics_[index];
    const std::size_t action = metrics::action_index(change.action());
    if (!error) {
      counters.processed[action].add();
      return Next::Processor;
    }
    counters.failed[action].add();
    switch (decide(index, change, *error, permanent)) {
      case sdk::ErrorAction::RetryProcessor:
        counters.retries.add();
        change.set_retries(change.retries() + 1);
        continue;
      case sdk::ErrorAction::NextProcessor: return Next::Processor;
      case sdk::ErrorAction::NextMessage: return Next::Message;
      default: abort_on(processor, change, *error);
    }
  }
}

sdk::ErrorAction Pipeline::decide(std::size_t index, const decode::DecodedChange& change, std::string_view error, bool permanent) {
  const sdk::ErrorAction action = decide_unrecorded(index, change, error, permanent);
  processor_metrics_[index]->handler_outcomes[static_cast<std::size_t>(action)].add();
  return action;
}

sdk::ErrorAction Pipeline::decide_unrecorded(std::size_t index, const decode::DecodedChange& change, std::string_view error,
                                             bool permanent) {
  ProcessorStage& processor = stages_.processors[index];
  // Without handlers the abort's own line says it: one line per error.
  if (!processor.error_handlers.empty()) {
    spdlog::warn("{} ({}) failed on the change{}: {}{}", processor.path, processor.class_name, at_lsn(change), error,
                 permanent ? " (a permanent failure: not retried)" : "");
  }
  for (ErrorHandlerStage& handler : processor.error_handlers) {
    sdk::ErrorAction action = sdk::ErrorAction::Abort;
    if (auto failure = guarded(handler, "handle_error()", change.lsn(), processor_limits_[index],
                               [&] { action = handler.component->handle_error(change, sdk::Failure{processor.class_name, error, change.retries()}); }))
      throw PipelineAbort(fmt::format("{} ({}) failed while handling an error: {}", handler.path, handler.class_name, *failure));
    switch (action) {
      case sdk::ErrorAction::NextErrorHandler: continue;
      case sdk::ErrorAction::RetryProcessor:
        // As in the original, each retry request counts, and the one that brings the count to
        // POPYKA_DEFAULT_RETRIES (N) means "ask the next handler": the processor runs at most N
        // times on a change, and [RetryProcessor, ContinueNextProcessor] retries, then skips.
        // A permanent failure would only fail again: the next handler decides at once.
        if (permanent || change.retries() + 1 >= settings_.default_retries) continue;
        return action;
      case sdk::ErrorAction::NextProcessor:
      case sdk::ErrorAction::NextMessage:
      case sdk::ErrorAction::Abort: return action;
    }
    throw PipelineAbort(fmt::format("{} ({}) returned an unknown action {}", handler.path, handler.class_name, static_cast<int>(action)));
  }
  return sdk::ErrorAction::Abort;
}

void Pipeline::abort_on(const ProcessorStage& processor, const sdk::Change& change, std::string_view why) {
  throw PipelineAbort(fmt::format("{} ({}) failed on the change{}: {}", processor.path, processor.class_name, at_lsn(change), why));
}

sdk::Ticket Pipeline::defer_current(std::size_t processor) {
  if (!current_.active || current_.processor != processor) {
    spdlog::error("{}: Host::defer() called outside process(); ignored", stages_.processors[processor].class_name);
    return 0;
  }
  const decode::DecodedChange& change = *current_.change;
  processor_metrics_[processor]->in_flight.add(1);
  return deliveries_.defer(
      PendingDelivery{current_.sequence, processor, deliveries_.copy_of(change.json()), change.lsn(), change.retries(), current_.attempts,
                      RetainedFacts::of(change)});
}

void Pipeline::handle_async_failures() {
  while (deliveries_.has_failures()) {
    for (FailedDelivery& failure : deliveries_.take_failures()) {
      PendingDelivery& delivery = failure.delivery;
      retry_decoder_.decode(delivery.json, delivery.lsn);
      decode::DecodedChange& change = retry_decoder_.current();
      delivery.facts.restore_to(change);
      change.set_retries(delivery.retries);
      ProcessorStage& processor = stages_.processors[delivery.processor];
      switch (decide(delivery.processor, change, failure.error, failure.permanent)) {
        case sdk::ErrorAction::RetryProcessor:
          processor_metrics_[delivery.processor]->retries.add();
          change.set_retries(change.retries() + 1);
          run_processor(delivery.processor, change, delivery.sequence, delivery.attempts);
          break;
        case sdk::ErrorAction::NextProcessor:
        case sdk::ErrorAction::NextMessage: break;  // the other processors already have it
        default: abort_on(processor, change, failure.error);
      }
      progress_.release(delivery.sequence);
    }
  }
}

void Pipeline::poll(std::chrono::milliseconds wait) {
  for (std::size_t i = 0; i < stages_.processors.size(); ++i) {
    ProcessorStage& processor = stages_.processors[i];
    // poll() may wait up to `wait` on purpose; only what goes past that counts.
    const auto limit = processor_limits_[i].count() > 0 ? processor_limits_[i] + wait : processor_limits_[i];
    if (auto error = guarded(processor, "poll()", 0, limit, [&] { processor.component->poll(wait); }))
      throw PipelineAbort(fmt::format("{} ({}) failed while polling: {}", processor.path, processor.class_name, *error));
  }
  handle_async_failures();
}

sdk::Lsn Pipeline::checkpoint() {
  // Read before flushing: what was done before the flush is what the flush made durable.
  handle_async_failures();
  const sdk::Lsn done = progress_.confirmable();
  for (std::size_t i = 0; i < stages_.processors.size(); ++i) {
    ProcessorStage& processor = stages_.processors[i];
    if (auto error = guarded(processor, "flush()", 0, processor_limits_[i], [&] { processor.component->flush(); }))
      throw PipelineAbort(fmt::format("{} ({}) failed to flush: {}", processor.path, processor.class_name, *error));
  }
  handle_async_failures();
  return done;
}

}  // namespace popyka::pipeline
