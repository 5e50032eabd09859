// crashtwin-dashboard [DIR]: opens a run or batch results directory.
#include <QApplication>
#include <QCommandLineParser>

#include "gui/app/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("crashtwin"));
  QApplication::setApplicationName(QStringLiteral("dashboard"));
  QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Compare crash-memory partitioning policies of a crashtwin batch."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("batch or run results directory to open"), QStringLiteral("[DIR]"));
  parser.process(app);

  crashtwin::gui::MainWindow window;
  window.show();
  if (!parser.positionalArguments().isEmpty()) window.open_directory(parser.positionalArguments().front());
  return QApplication::exec();
}
