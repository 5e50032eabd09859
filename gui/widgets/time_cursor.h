// The shared time cursor: one simulated time that every time-based view
// follows (both Timeline charts, the Crash region slider), so moving it in
// one place moves it everywhere.
#pragma once

#include <QObject>

namespace crashtwin::gui {

class TimeCursor : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  double time_s() const { return t_s_; }

 public slots:
  // Emits changed() only when the time differs, so followers that set it
  // back do not loop.
  void set_time_s(double t_s);

 signals:
  void changed(double t_s);

 private:
  double t_s_ = 0;
};

}  // namespace crashtwin::gui
