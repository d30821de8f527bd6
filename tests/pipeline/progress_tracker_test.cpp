#include <catch2/catch.hpp>

#include "pipeline/progress_tracker.hpp"

using popyka::pipeline::ProgressTracker;

TEST_CASE("a synchronous message is confirmable once released") {
  ProgressTracker progress;
  const auto a = progress.begin(100);
  CHECK(progress.confirmable() == 0);
  progress.release(a);
  CHECK(progress.confirmable() == 100);
  CHECK_FALSE(progress.has_pending());
}

TEST_CASE("a held message stops the confirmable LSN, even when later ones are done") {
  ProgressTracker progress;
  const auto a = progress.begin(100);
  progress.hold(a);  // an asynchronous delivery
  progress.release(a);
  const auto b = progress.begin(200);
  progress.release(b);
  CHECK(progress.confirmable() == 0);
  CHECK(progress.has_pending());
  progress.release(a);  // delivered
  CHECK(progress.confirmable() == 200);
  CHECK_FALSE(progress.has_pending());
}

TEST_CASE("the confirmable LSN never goes back when interleaved transactions bring a lower LSN") {
  ProgressTracker progress;
  progress.release(progress.begin(300));
  progress.release(progress.begin(150));
  CHECK(progress.confirmable() == 300);
}
