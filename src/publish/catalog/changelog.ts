import type { Catalog } from './model.js';

/** CHANGELOG.md: index.json's changelog newest first, grouped by UTC day. */
export function renderChangelog(catalog: Catalog): string {
  const lines = [
    '# Changelog',
    '',
    'Every publication and revision of a published file, and every note about the figures, newest first. A published file never changes without an entry here; index.json has the same list (`changelog`) with exact times and checksums.',
    '',
  ];
  let day = '';
  for (const change of [...catalog.changelog].reverse()) {
    const changeDay = change.time.slice(0, 10);
    if (changeDay !== day) {
      lines.push(`## ${changeDay}`, '');
      day = changeDay;
    }
    const about = change.day ? ` (day ${change.day})` : '';
    lines.push(
      `- **${change.dataset} ${change.quarter}**${about}, ${change.kind}: ${change.message.replace(/\s*\n\s*/g, ' ')}`,
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
