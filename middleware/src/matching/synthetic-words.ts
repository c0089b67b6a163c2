/** Word lists and a seeded random source for the synthetic onboarding data (see synthetic.ts). */

/** mulberry32: small, fast, seeded; the same seed gives the same data on every machine. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T;
  }

  digits(n: number): string {
    let out = '';
    for (let i = 0; i < n; i += 1) out += String(this.int(0, 9));
    return out;
  }
}

export const SYLLABLES = [
  'ac', 'al', 'an', 'ar', 'bel', 'bri', 'cal', 'cor', 'dan', 'del', 'dor', 'el', 'en', 'fal', 'fen', 'gal', 'glo',
  'har', 'hel', 'ix', 'jun', 'kal', 'kor', 'lan', 'lex', 'lor', 'mar', 'mer', 'mon', 'nor', 'nov', 'or', 'pax',
  'pel', 'quin', 'ral', 'ren', 'ros', 'sal', 'sen', 'sol', 'tal', 'ter', 'tor', 'tri', 'ul', 'van', 'ven', 'vor',
  'wex', 'xan', 'yor', 'zan', 'zel', 'bex', 'cyn', 'dex', 'gen', 'lux', 'nex', 'tek', 'vis', 'zen', 'ova', 'ita',
] as const;

export const SURNAMES = [
  "O'Brien", "O'Neill", "D'Angelo", "O'Connor", 'Müller', 'Schröder', 'Köhler', 'García', 'Núñez', 'Peña',
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Thomas',
  'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young',
  'Allen', 'King', 'Wright', 'Scott', 'Hill', 'Green', 'Adams', 'Baker', 'Nelson', 'Carter', 'Mitchell', 'Perez',
  'Roberts', 'Turner', 'Phillips', 'Campbell', 'Parker', 'Evans', 'Edwards', 'Collins', 'Stewart', 'Morris',
  'Nguyen', 'Kowalski', 'Novak', 'Rossi', 'Bianchi', 'Dubois', 'Lefèvre', 'Jansen', 'de Vries', 'Andersson',
  'McDonald', 'MacLeod', 'Fitzgerald', 'Sullivan', 'Kennedy', 'Byrne', 'Murphy', 'Kelly', 'Walsh', 'Ryan',
] as const;

export const PLACES = [
  'Northwind', 'Blue Ridge', 'Pacific', 'Summit', 'Lakeside', 'Riverside', 'Cedar', 'Oakwood', 'Maple', 'Pine',
  'Granite', 'Silver', 'Golden', 'Red Rock', 'Evergreen', 'Harbor', 'Prairie', 'Mesa', 'Coastal', 'Highland',
  'Atlantic', 'Sierra', 'Canyon', 'Bayview', 'Sunrise', 'Ironwood', 'Westfield', 'Eastgate', 'Clearwater', 'Stone',
] as const;

export const INDUSTRIES = [
  'Plumbing', 'Bakery', 'Consulting', 'Logistics', 'Software', 'Dental', 'Construction', 'Landscaping', 'Roofing',
  'Electric', 'Foods', 'Analytics', 'Design', 'Marketing', 'Legal', 'Accounting', 'Auto Repair', 'Cleaning',
  'Catering', 'Printing', 'Fitness', 'Pharmacy', 'Hardware', 'Supply', 'Systems', 'Laboratories', 'Media',
  'Studios', 'Partners', 'Group', 'Holdings', 'Industries', 'Solutions', 'Services', 'Technologies', 'Trading',
  'Imports', 'Manufacturing', 'Capital', 'Realty', 'Insurance', 'Veterinary', 'Optics', 'Robotics', 'Energy',
  'Solar', 'Brewing', 'Coffee', 'Outfitters', 'International', 'Associates', 'Engineering', 'Management',
] as const;

export const LEGAL_FORMS_BY_COUNTRY: Record<string, readonly string[]> = {
  US: ['', '', 'Inc.', 'Inc', 'LLC', 'L.L.C.', 'Corp.', 'Corporation', 'Co.', 'Incorporated', 'Company'],
  CA: ['', 'Inc.', 'Ltd.', 'Corp.', 'ULC'],
  GB: ['', 'Ltd', 'Ltd.', 'Limited', 'PLC', 'LLP'],
  DE: ['', 'GmbH', 'AG', 'GmbH & Co. KG', 'KG', 'e.K.'],
  AU: ['', 'Pty Ltd', 'Pty. Ltd.', 'Ltd'],
};

export const ALL_LEGAL_FORMS = ['', 'Inc.', 'Inc', 'LLC', 'Ltd', 'Ltd.', 'Limited', 'Corp.', 'Corporation', 'Co.', 'GmbH', 'Company', 'Incorporated'] as const;

export const LOOKALIKE_WORDS = [
  'West', 'East', 'North', 'South', 'Holdings', 'Labs', 'International', 'of Texas', 'Services', 'Group',
  'Midwest', 'Canada', 'Europe', 'Partners', 'Foundation', 'Ventures', 'II', 'Consulting', 'Retail', 'Digital',
] as const;

export const STREETS = [
  'Main', 'Oak', 'Pine', 'Maple', 'Cedar', 'Elm', 'Washington', 'Lake', 'Hill', 'Park', 'Market', 'Church', 'High',
  'Mill', 'River', 'Spring', 'Bridge', 'Union', 'Franklin', 'Jefferson', 'Lincoln', 'Madison', 'Sunset', 'Ridge',
] as const;

export const STREET_TYPES = [
  ['Street', 'St', 'St.'], ['Avenue', 'Ave', 'Ave.'], ['Road', 'Rd', 'Rd.'], ['Boulevard', 'Blvd'], ['Drive', 'Dr'],
  ['Lane', 'Ln'], ['Court', 'Ct'], ['Parkway', 'Pkwy'],
] as const;

export const CITIES: Record<string, ReadonlyArray<readonly [string, string]>> = {
  US: [['Austin', 'TX'], ['Denver', 'CO'], ['Portland', 'OR'], ['Columbus', 'OH'], ['Raleigh', 'NC'], ['Boston', 'MA'],
    ['Chicago', 'IL'], ['Phoenix', 'AZ'], ['Seattle', 'WA'], ['Atlanta', 'GA'], ['Madison', 'WI'], ['Springfield', 'IL'],
    ['Springfield', 'MO'], ['Nashville', 'TN'], ['San Diego', 'CA'], ['Tampa', 'FL']],
  CA: [['Toronto', 'ON'], ['Vancouver', 'BC'], ['Calgary', 'AB'], ['Ottawa', 'ON'], ['Montréal', 'QC']],
  GB: [['London', ''], ['Manchester', ''], ['Leeds', ''], ['Bristol', ''], ['Edinburgh', '']],
  DE: [['München', 'BY'], ['Köln', 'NW'], ['Berlin', 'BE'], ['Hamburg', 'HH'], ['Düsseldorf', 'NW']],
  AU: [['Sydney', 'NSW'], ['Melbourne', 'VIC'], ['Brisbane', 'QLD'], ['Perth', 'WA']],
};

export const COUNTRY_SPELLINGS: Record<string, readonly string[]> = {
  US: ['US', 'USA', 'United States', ''], CA: ['Canada', 'CA'], GB: ['United Kingdom', 'UK', 'GB'],
  DE: ['Germany', 'Deutschland', 'DE'], AU: ['Australia', 'AU'],
};

export const PUBLIC_MAILBOXES = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'aol.com', 'icloud.com', 'comcast.net'] as const;

export const FIRST_NAMES = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David',
  'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Mei',
  'Priya', 'Ahmed', 'Olga', 'Lukas', 'Sofia', 'Kenji', 'Fatima', 'Liam', 'Noah', 'Emma'] as const;

export const PRODUCT_WORDS = ['Widget', 'Gadget', 'Sprocket', 'Bracket', 'Valve', 'Sensor', 'Cable', 'Adapter', 'Filter',
  'Pump', 'Router', 'License', 'Subscription', 'Support Plan', 'Onboarding', 'Training', 'Consulting Hour',
  'Maintenance', 'Module', 'Controller', 'Panel', 'Bolt', 'Gasket', 'Bearing', 'Toner', 'Cartridge'] as const;

export const PRODUCT_QUALIFIERS = ['Pro', 'Basic', 'Plus', 'Max', 'Mini', 'XL', 'Lite', 'Premium', 'Standard',
  'Enterprise', 'Annual', 'Monthly', '10-pack', 'Stainless', 'Heavy Duty', 'Blue', 'Black', 'v2', 'Gen 3'] as const;
