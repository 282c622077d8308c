/**
 * Jest globalSetup of the e2e project: a Chromium to drive (found, or installed where that is
 * allowed; see scripts/lib/chromium.ts), then the run's Temporal dev server.
 */
import { ensureChromium } from '../../scripts/lib/chromium';
import temporalSetup from './global-setup';

export default async function e2eSetup(): Promise<void> {
  process.env.CHROMIUM_PATH = await ensureChromium({ explicitPath: process.env.CHROMIUM_PATH });
  await temporalSetup();
}
