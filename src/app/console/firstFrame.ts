// Start-up work the console can do without until its first frame is on screen (the command's
// log file: pino and its streams cost ~20 ms of CPU to load). The entry point flushes whatever is
// still waiting before it reports an error or exits, so a console that never drew still logs.
type Task = () => Promise<void>;

let drawn = false;
const waiting: Task[] = [];
const running = new Set<Promise<void>>();

function run(task: Task): void {
  const done = task().catch(() => undefined);
  running.add(done);
  void done.finally(() => running.delete(done));
}

/** Runs `task` once the first frame is drawn (at once when it already is). */
export function afterFirstFrame(task: Task): void {
  if (drawn) run(task);
  else waiting.push(task);
}

/** The console calls this after its first render. */
export function firstFrameDrawn(): void {
  drawn = true;
  for (const task of waiting.splice(0)) run(task);
}

/** Runs what is still waiting and waits for every task started. */
export async function settleFirstFrameTasks(): Promise<void> {
  for (const task of waiting.splice(0)) run(task);
  await Promise.all([...running]);
}
