// Waiting for a dashboard view to be drawable, on a condition rather than a
// fixed sleep: a loaded machine waits as long as it needs (up to the
// timeout), a quiet one not at all.
#pragma once

#include <QCoreApplication>
#include <QTabWidget>
#include <QtTest>

namespace crashtwin::test {

// Makes tab `index` current and returns once it is visible with every
// posted layout request and scene update processed (what a grab() or a
// chart's plotArea() depends on). False if it never became visible.
inline bool show_tab(QTabWidget* tabs, int index, int timeout_ms = 5000) {
  tabs->setCurrentIndex(index);
  QWidget* view = tabs->widget(index);
  if (!QTest::qWaitFor([view] { return view->isVisible(); }, timeout_ms)) return false;
  QCoreApplication::sendPostedEvents();
  QCoreApplication::processEvents();
  return true;
}

inline bool show_tab(QTabWidget* tabs, QWidget* view, int timeout_ms = 5000) {
  return show_tab(tabs, tabs->indexOf(view), timeout_ms);
}

}  // namespace crashtwin::test
