// Where machines are, weighted roughly like a developer population, with the UTC offsets (minutes) their
// clocks report. Offsets are standard time; several for countries that span time zones.

export interface CountrySpec {
  code: string;
  weight: number;
  offsets: readonly number[];
}

export const COUNTRIES: readonly CountrySpec[] = [
  { code: 'US', weight: 20, offsets: [-300, -300, -360, -420, -480, -480] },
  { code: 'IN', weight: 9, offsets: [330] },
  { code: 'CN', weight: 7, offsets: [480] },
  { code: 'DE', weight: 5, offsets: [60, 120] },
  { code: 'GB', weight: 4.5, offsets: [0, 60] },
  { code: 'BR', weight: 4, offsets: [-180] },
  { code: 'RU', weight: 3, offsets: [180, 180, 300, 420] },
  { code: 'FR', weight: 3, offsets: [60, 120] },
  { code: 'JP', weight: 2.5, offsets: [540] },
  { code: 'CA', weight: 2.5, offsets: [-300, -300, -480] },
  { code: 'NL', weight: 2, offsets: [60, 120] },
  { code: 'PL', weight: 2, offsets: [60, 120] },
  { code: 'UA', weight: 1.8, offsets: [120, 180] },
  { code: 'AU', weight: 1.6, offsets: [600, 600, 480, 570] },
  { code: 'ES', weight: 1.5, offsets: [60, 120] },
  { code: 'IT', weight: 1.5, offsets: [60, 120] },
  { code: 'KR', weight: 1.3, offsets: [540] },
  { code: 'SE', weight: 1.1, offsets: [60, 120] },
  { code: 'TR', weight: 1.1, offsets: [180] },
  { code: 'CH', weight: 1, offsets: [60, 120] },
  { code: 'ID', weight: 1, offsets: [420] },
  { code: 'VN', weight: 1, offsets: [420] },
  { code: 'MX', weight: 1, offsets: [-360] },
  { code: 'CZ', weight: 0.9, offsets: [60, 120] },
  { code: 'IL', weight: 0.8, offsets: [120, 180] },
  { code: 'TW', weight: 0.8, offsets: [480] },
  { code: 'BE', weight: 0.8, offsets: [60, 120] },
  { code: 'AT', weight: 0.7, offsets: [60, 120] },
  { code: 'SG', weight: 0.7, offsets: [480] },
  { code: 'AR', weight: 0.7, offsets: [-180] },
  { code: 'RO', weight: 0.7, offsets: [120, 180] },
  { code: 'NO', weight: 0.6, offsets: [60, 120] },
  { code: 'DK', weight: 0.6, offsets: [60, 120] },
  { code: 'FI', weight: 0.6, offsets: [120, 180] },
  { code: 'IE', weight: 0.6, offsets: [0, 60] },
  { code: 'ZA', weight: 0.6, offsets: [120] },
  { code: 'PT', weight: 0.6, offsets: [0, 60] },
  { code: 'PK', weight: 0.6, offsets: [300] },
  { code: 'PH', weight: 0.6, offsets: [480] },
  { code: 'HU', weight: 0.5, offsets: [60, 120] },
  { code: 'CO', weight: 0.5, offsets: [-300] },
  { code: 'EG', weight: 0.5, offsets: [120, 180] },
  { code: 'NG', weight: 0.5, offsets: [60] },
  { code: 'BD', weight: 0.5, offsets: [360] },
  { code: 'TH', weight: 0.5, offsets: [420] },
  { code: 'MY', weight: 0.5, offsets: [480] },
  { code: 'IR', weight: 0.5, offsets: [210] },
  { code: 'NZ', weight: 0.4, offsets: [720, 780] },
  { code: 'CL', weight: 0.4, offsets: [-240, -180] },
  { code: 'GR', weight: 0.4, offsets: [120, 180] },
  { code: 'BG', weight: 0.4, offsets: [120, 180] },
  { code: 'AE', weight: 0.4, offsets: [240] },
  { code: 'BY', weight: 0.4, offsets: [180] },
  { code: 'KE', weight: 0.3, offsets: [180] },
  { code: 'RS', weight: 0.3, offsets: [60, 120] },
  { code: 'SK', weight: 0.3, offsets: [60, 120] },
  { code: 'LT', weight: 0.3, offsets: [120, 180] },
  { code: 'SA', weight: 0.3, offsets: [180] },
  { code: 'KZ', weight: 0.3, offsets: [300] },
  { code: 'NP', weight: 0.2, offsets: [345] },
  { code: 'EE', weight: 0.2, offsets: [120, 180] },
  { code: 'HR', weight: 0.2, offsets: [60, 120] },
  { code: 'IS', weight: 0.05, offsets: [0] },
];

/** Countries whose machines sometimes send an IPv6 /48 instead of three IPv4 octets. */
export const IPV6_COUNTRIES: readonly string[] = ['US', 'DE', 'GB', 'FR', 'IN', 'JP', 'BR', 'NL'];

/** The planted rare country: Antarctica (the .NET CLI page mentions it), one machine. */
export const PLANTED_COUNTRY = 'AQ';
/** Its clock: the research stations supplied from New Zealand run on UTC+12. */
export const PLANTED_COUNTRY_OFFSET = 720;

/**
 * How many prefixes each country gets (more for the big ones, so their machines spread over networks),
 * and the one network of the planted country.
 */
export function prefixWants(): Array<{ code: string; v4: number; v6: number }> {
  return [
    ...COUNTRIES.map((country) => ({
      code: country.code,
      v4: Math.min(64, 3 + Math.round(country.weight * 3)),
      v6: IPV6_COUNTRIES.includes(country.code) ? 3 : 0,
    })),
    { code: PLANTED_COUNTRY, v4: 1, v6: 0 },
  ];
}
