// popyka-builtin-error-handlers.so: the original popyka's error handlers. Each always answers
// the same action; chaining them in `error_handlers:` builds the policy, e.g.
// [RetryProcessor, ContinueNextProcessor]: retry up to POPYKA_DEFAULT_RETRIES times, then skip.
#include <popyka/sdk.hpp>

namespace sdk = popyka::sdk;

namespace popyka::builtin {

template <sdk::ErrorAction Answer>
class FixedAnswerErrorHandler final : public sdk::ErrorHandler {
 public:
  sdk::ErrorAction handle_error(const sdk::Change&, const sdk::Failure&) override { return Answer; }
};

}  // namespace popyka::builtin

using popyka::builtin::FixedAnswerErrorHandler;

POPYKA_PLUGIN(
    sdk::plugin_class<FixedAnswerErrorHandler<sdk::ErrorAction::Abort>>("popyka.builtin.error_handlers.Abort", sdk::ConfigKeys::none()),
    sdk::plugin_class<FixedAnswerErrorHandler<sdk::ErrorAction::NextProcessor>>("popyka.builtin.error_handlers.ContinueNextProcessor",
                                                                                sdk::ConfigKeys::none()),
    sdk::plugin_class<FixedAnswerErrorHandler<sdk::ErrorAction::NextMessage>>("popyka.builtin.error_handlers.ContinueNextMessage",
                                                                              sdk::ConfigKeys::none()),
    sdk::plugin_class<FixedAnswerErrorHandler<sdk::ErrorAction::RetryProcessor>>("popyka.builtin.error_handlers.RetryProcessor",
                                                                                 sdk::ConfigKeys::none()))
