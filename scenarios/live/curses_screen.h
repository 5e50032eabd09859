// The live view's terminal, through ncurses (Debian's libncurses-dev): the
// lines live_text.h renders painted on the standard screen, keys read
// without blocking the simulation (1-5, Tab, Shift-Tab, arrows, q).
//
// While the screen is open, the process's stderr (log lines, SystemC
// reports) goes to a temporary file instead of scribbling over the view;
// closing the screen writes what was logged to the real stderr.
#pragma once

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/live/live_view.h"

struct screen;  // ncurses' SCREEN

namespace crashtwin::live {

class CursesScreen final : public LiveScreen {
 public:
  // Nothing happens before open(), which takes over stdout's terminal (the
  // caller checked it is one).
  CursesScreen() = default;
  ~CursesScreen();
  CursesScreen(const CursesScreen&) = delete;
  CursesScreen& operator=(const CursesScreen&) = delete;

  // Why stdout's terminal cannot host the view (its TERM unknown to the
  // terminfo database, or too dumb to address the cursor); empty when it can.
  static std::string unusable_terminal();

  // Gives the terminal back and replays the captured stderr (also done by
  // the destructor); idempotent.
  void close();

  void open() override;
  size_t width() const override;
  size_t height() const override;
  void draw(const std::vector<std::string>& lines) override;
  std::optional<Key> next_key(int timeout_ms) override;

 private:
  ::screen* screen_ = nullptr;
  std::FILE* stderr_capture_ = nullptr;
  int saved_stderr_ = -1;
};

}  // namespace crashtwin::live
