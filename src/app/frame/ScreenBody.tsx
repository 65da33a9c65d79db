// The body: the current screen, or the dialog over it.
import { Modal } from '../../components/Modal.js';
import { WizardView } from '../../components/WizardView.js';
import { frameOf } from '../../screens/wizards/index.js';
import { DetailScreen } from '../../screens/DetailScreen.js';
import { HelpScreen } from '../../screens/HelpScreen.js';
import { ListScreen } from '../../screens/ListScreen.js';
import { OverviewScreen } from '../../screens/OverviewScreen.js';
import { SettingsScreen } from '../../screens/SettingsScreen.js';
import { TaskLogScreen } from '../../screens/TaskLogScreen.js';
import { RunScreen } from '../../screens/RunScreen.js';
import { HealthScreen } from '../../screens/HealthScreen.js';
import { LogsScreen } from '../../screens/LogsScreen.js';
import { DriftScreen } from '../../screens/DriftScreen.js';
import { currentRoute, listOf } from '../../store/selectors.js';
import { safeText } from '../../util/terminalText.js';
import { useConsole, useTheme } from '../ConsoleContext.js';

export function ScreenBody({ width, height }: { width: number; height: number }) {
  const route = useConsole(currentRoute);
  const modal = useConsole((s) => s.modal);
  const wizard = useConsole((s) => s.wizard);
  const theme = useTheme();
  if (wizard) return <WizardView frame={frameOf(wizard)} width={width} height={height} theme={theme} />;
  if (modal) return <Modal title={safeText(modal.title)} body={modal.body.map(safeText)} {...(modal.footer ? { footer: modal.footer } : {})} width={width} height={height} theme={theme} />;
  const list = listOf(route);
  if (list !== undefined) return <ListScreen list={list} width={width} height={height} />;
  switch (route.screen) {
    case 'overview':
      return <OverviewScreen width={width} height={height} />;
    case 'detail':
      return <DetailScreen width={width} height={height} />;
    case 'taskLog':
      return <TaskLogScreen width={width} height={height} />;
    case 'help':
      return <HelpScreen width={width} height={height} />;
    case 'settings':
      return <SettingsScreen width={width} height={height} />;
    case 'run':
      return <RunScreen width={width} height={height} />;
    case 'health':
      return <HealthScreen width={width} height={height} />;
    case 'logs':
      return <LogsScreen width={width} height={height} />;
    case 'drift':
      return <DriftScreen width={width} height={height} />;
    default:
      return null;
  }
}
