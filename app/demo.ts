/** `madoguchi demo servers|consultations`: the demo agencies' stand-ins and their logs, run by hand. */
import { resolve } from 'node:path';
import { begin } from './process';

export async function runDemoServers(options: { port?: number }): Promise<void> {
  const { settings, logger } = begin({ service: 'demo', demo: () => true });
  const { DEMO_PORT, startDemoAgencyServers } = await import('../demo/servers');
  const port = options.port ?? settings.demoPort;
  const demo = await startDemoAgencyServers({ port, host: settings.host });
  logger.info(
    { url: demo.baseUrl },
    `Demo agency systems at ${demo.baseUrl}${port === DEMO_PORT ? '' : ` (set MADOGUCHI_DEMO_URL=${demo.baseUrl} for the agency files)`}`,
  );
  const stop = () => demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export async function runDemoConsultations(dir?: string): Promise<number> {
  const { DEMO_CONSULTATION_DIR } = await import('../demo');
  const { writeConsultationFiles } = await import('../demo/consultations');
  const target = resolve(dir ?? DEMO_CONSULTATION_DIR);
  const started = Date.now();
  const { files, total } = await writeConsultationFiles(target);
  console.log(`${total} consultations in ${files.length} files under ${target}, written in ${Date.now() - started} ms`);
  return 0;
}
