// Pure checks of what describes a site: coordinates, country, time zone, grid limit. No I/O.

/** The officially assigned ISO 3166-1 alpha-2 codes (249). */
const countries = new Set(
  `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
   CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
   GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
   KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT
   MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
   SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
   UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`.split(/\s+/),
);

export const isCountryCode = (code: string) => countries.has(code);

export const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export interface SiteFields {
  name?: string | null | undefined;
  country?: string | null | undefined;
  latitude?: number | null | undefined;
  longitude?: number | null | undefined;
  gridLimitKw?: number | null | undefined;
  timeZone?: string | null | undefined;
}

/** The first problem with a site's fields, as `field: what is expected`, or null when they are fine. */
export function siteProblem(site: SiteFields): { field: keyof SiteFields; message: string } | null {
  const { name, country, latitude, longitude, gridLimitKw, timeZone } = site;
  if (name !== undefined && (!name || name.trim().length === 0 || name.length > 200)) {
    return { field: 'name', message: 'name: expected 1 to 200 characters' };
  }
  if (country !== undefined && country !== null && !isCountryCode(country)) {
    return { field: 'country', message: `country: expected an ISO 3166-1 alpha-2 code such as RW or DE (got "${country}")` };
  }
  if (latitude !== undefined && latitude !== null && !(Number.isFinite(latitude) && latitude >= -90 && latitude <= 90)) {
    return { field: 'latitude', message: 'latitude: expected -90 to 90' };
  }
  if (longitude !== undefined && longitude !== null && !(Number.isFinite(longitude) && longitude >= -180 && longitude <= 180)) {
    return { field: 'longitude', message: 'longitude: expected -180 to 180' };
  }
  if (gridLimitKw !== undefined && gridLimitKw !== null && !(Number.isInteger(gridLimitKw) && gridLimitKw > 0)) {
    return { field: 'gridLimitKw', message: 'gridLimitKw: expected a whole number of kW above 0' };
  }
  if (timeZone !== undefined && (timeZone === null || !isTimeZone(timeZone))) {
    return { field: 'timeZone', message: `timeZone: expected an IANA time zone such as Africa/Kigali (got "${timeZone}")` };
  }
  return null;
}
