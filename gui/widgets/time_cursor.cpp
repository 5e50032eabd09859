#include "gui/widgets/time_cursor.h"

namespace crashtwin::gui {

void TimeCursor::set_time_s(double t_s) {
  if (t_s == t_s_) return;
  t_s_ = t_s;
  emit changed(t_s);
}

}  // namespace crashtwin::gui
