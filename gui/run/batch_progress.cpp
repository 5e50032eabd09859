#include "gui/run/batch_progress.h"

#include <QRegularExpression>

namespace crashtwin::gui {

std::optional<BatchProgress> parse_batch_progress(const QString& line) {
  static const QRegularExpression kPerRun(QStringLiteral(R"(^\[(\d+)/(\d+)\]\s*(.*)$)"));
  static const QRegularExpression kBar(QStringLiteral(R"(\[[#.]*\]\s+(\d+)/(\d+)\s+elapsed\s+\S+\s+ETA\s+\S+\s*(.*)$)"));
  QString text = line;
  // Drop the terminal redraw codes (carriage return, erase line).
  text.remove(QLatin1Char('\r'));
  text.remove(QStringLiteral("\x1b[K"));
  text = text.trimmed();
  for (const QRegularExpression* re : {&kPerRun, &kBar}) {
    const QRegularExpressionMatch m = re->match(text);
    if (!m.hasMatch()) continue;
    BatchProgress p{m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).trimmed()};
    if (p.total <= 0 || p.done < 0 || p.done > p.total) return std::nullopt;
    return p;
  }
  return std::nullopt;
}

}  // namespace crashtwin::gui
