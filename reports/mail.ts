const titles: Record<string, string> = {
  MONTHLY_OPERATOR: 'Monthly operator report',
  WEEKLY_STATION_HEALTH: 'Weekly station health',
  NEVI_QUARTERLY: 'NEVI quarterly data',
};

/** The mail of a report done (outbox template `report-ready`): `kind`, `format`, `from`, `to`, `link`, `until`, `reportId`. */
export function reportMail(d: Record<string, string>): { subject: string; text: string } {
  const title = titles[d.kind ?? ''] ?? 'Report';
  const period = `${d.from?.slice(0, 10)} to ${d.to?.slice(0, 10)}`;
  return {
    subject: `${title}, ${period}`,
    text: `Hello,\n\nThe ${title.toLowerCase()} (${d.format}) for ${period} is ready:\n\n${d.link}\n\nThe link works until ${d.until}; after that, download it from the API (report ${d.reportId}).\nYou get this mail because your organisation subscribed this address (setReportSubscription).\n`,
  };
}
