// CursesScreen::unusable_terminal, apart from the screen's code: term.h
// defines macros (lines, columns, ...) that would rename its variables.
#include "scenarios/live/curses_screen.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

// Last: its macros must not reach the headers above.
#include <curses.h>
#include <term.h>

namespace crashtwin::live {

std::string CursesScreen::unusable_terminal() {
  const char* term = std::getenv("TERM");
  const std::string name = term != nullptr ? term : "";
  int error = 0;
  if (name.empty()) return "TERM is not set";
  if (setupterm(name.c_str(), STDOUT_FILENO, &error) != OK)
    return "the terminal type '" + name + "' (TERM) is not in the terminfo database";
  const bool addressable = tigetstr("cup") != nullptr && tigetstr("cup") != reinterpret_cast<char*>(-1);
  del_curterm(cur_term);
  if (!addressable) return "the terminal type '" + name + "' (TERM) cannot move the cursor";
  return "";
}

}  // namespace crashtwin::live
