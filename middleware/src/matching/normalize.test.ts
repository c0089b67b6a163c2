import { normalizeCountry, normalizeEmail, normalizeEmails, normalizePhone, normalizePostalCode, normalizeSku, normalizeStreet, websiteDomain } from './normalize-contact';
import { customerNameVariants, idInDisplayName, normalizeCompanyName, withDepartmentRemoved } from './normalize-name';
import { isGenericDomain } from './generic-domains';

const key = (name: string): string => normalizeCompanyName(name).key;

describe('normalizeCompanyName', () => {
  it.each([
    ["O'Brien & Sons, Inc.", 'OBrien and Sons'],
    ['Müller GmbH', 'Muller'],
    ['Acme Corp', 'ACME CORPORATION'],
    ['Acme, L.L.C.', 'acme llc'],
    ['I.B.M.', 'IBM'],
    ['Coca-Cola Company', 'CocaCola'],
    ['The Home Depot', 'Home Depot Inc'],
    ['Smith & Co.', 'Smith'],
    ['Schröder & Köhler KG', 'Schroder und Kohler'],
    ['Acme International Mfg', 'ACME Intl Manufacturing'],
    ['Straße Bau GmbH & Co. KG', 'Strasse Bau'],
    ['  Acme   Widgets  ', 'acme widgets'],
  ])('"%s" ≡ "%s"', (a, b) => {
    expect(key(a)).toBe(key(b));
    expect(key(a)).not.toBe('');
  });

  it.each([
    ['Acme Corp', 'Acme Corp West'],
    ['Globex', 'Glbex'],
    ['Store 12', 'Store 14'],
    ['Acme Holdings', 'Acme Labs'],
  ])('"%s" and "%s" keep different keys', (a, b) => {
    expect(key(a)).not.toBe(key(b));
  });

  it('keeps a name that is nothing but a legal form', () => {
    expect(key('Limited')).toBe('limited');
    expect(key('')).toBe('');
  });

  it('keeps letters of other scripts', () => {
    expect(key('株式会社 ソニー')).not.toBe('');
  });

  it.each([
    ["St. Mary's Medical Center", 'Saint Marys Medical Center'],
    ['Mt. Hood Brewing Co.', 'Mount Hood Brewing Company'],
    ['Blue Ridge Mtn Outfitters', 'Blue Ridge Mountain Outfitters'],
    ['Ft. Collins Glass', 'Fort Collins Glass'],
    ['1st Choice Plumbing LLC', 'First Choice Plumbing'],
    ['2nd Street Brewhouse', 'Second Street Brewhouse'],
    ['7 Hills Pediatric Dentistry', 'Seven Hills Pediatric Dentistry'],
    ['Halvorsen Engineering Grp', 'Halvorsen Engineering Group'],
    ['Riverside Community Ctr', 'Riverside Community Center'],
    ['Maplewood Sr. Living', 'Maplewood Senior Living'],
    ['Cascade Med Supply', 'Cascade Medical Supply'],
    ['Summit Orthopedics & Sports Med', 'Summit Orthopedics and Sports Medicine'],
    ['Prairie Wind Vet Hosp', 'Prairie Wind Veterinary Hospital'],
    ['Grandview Sr. Apts', 'Grandview Senior Apartments'],
    ['Ohio Valley Contractors Assn', 'Ohio Valley Contractors Association'],
    ['Northern Plains Co-op', 'Northern Plains Cooperative'],
    ['Fox Valley Derm', 'Fox Valley Dermatology'],
    ['Cumberland Valley Equip', 'Cumberland Valley Equipment'],
    ['Oak Ridge Vet Clinic', 'Oakridge Veterinary Clinic'],
    ['Harborview Sr. Housing', 'Harbor View Senior Housing'],
    ['Hometown Hardware of Ames', 'Hometown Hardware Ames'],
    ['Lakeshore Pediatrics SC', 'Lakeshore Pediatrics'],
    ['Kinnear Family Dentistry PS', 'Kinnear Family Dentistry'],
  ])('abbreviation, long form, split or joined: "%s" ≡ "%s"', (a, b) => {
    expect(key(a)).toBe(key(b));
  });

  it('"St" is Saint before a name and Street after a word', () => {
    expect(key("St. Luke's Lutheran Church")).toBe(key('Saint Lukes Lutheran Church'));
    expect(key('Church of St. Luke')).toBe(key('Church of Saint Luke'));
    expect(key('Pine St Auto Repair')).toBe(key('Pine Street Auto Repair'));
    expect(key('Pine St Auto Repair')).not.toBe(key('Pine Saint Auto Repair'));
  });

  it('number words become digits, so different numbers stay different', () => {
    expect(key('Store Seven')).toBe(key('Store 7'));
    expect(key('Store Seven')).not.toBe(key('Store 9'));
    expect(normalizeCompanyName('First Coast Insulation').digits).toBe('1');
  });
});

describe('department tails', () => {
  it.each([
    ['Fairhaven Outfitters Inc - AP Dept', 'Fairhaven Outfitters Inc'],
    ['Norwood Paper Products Co. - Accounts Payable', 'Norwood Paper Products Co.'],
    ['Hollister Freight Lines Inc. (A/P)', 'Hollister Freight Lines Inc.'],
    ['Silver Creek Dental: Billing', 'Silver Creek Dental'],
    ['Tidewater Hospitality Group – Corporate Office', 'Tidewater Hospitality Group'],
    ['Golden Gate Bakery Supply - OLD', 'Golden Gate Bakery Supply'],
  ])('"%s" is also known as "%s"', (name, head) => {
    expect(withDepartmentRemoved(name)).toEqual([name, head]);
    expect(customerNameVariants(name)).toContain(head);
  });

  it.each(['Coca-Cola', 'Keller Williams - Eastside', 'Hometown Hardware - Ames', 'Lee, Elizabeth (billing)', 'Acme (Europe)'])(
    '"%s" keeps its tail: a place, a part of the name, or a person told apart',
    (name) => {
      expect(withDepartmentRemoved(name)).toEqual([name]);
    },
  );
});

describe('customerNameVariants', () => {
  it('turns "Last, First" around but not "Acme, Inc."', () => {
    expect(customerNameVariants('Smith, John', 'Acme Widgets')).toEqual(['Smith, John', 'John Smith', 'Acme Widgets']);
    expect(customerNameVariants('Acme, Inc.')).toEqual(['Acme, Inc.']);
  });

  it('drops the QBO "(deleted)" tail and the disambiguating id', () => {
    expect(customerNameVariants('Acme (deleted)')).toEqual(['Acme']);
    expect(customerNameVariants('Acme [001000000000001]')).toEqual(['Acme']);
    expect(idInDisplayName('Acme [001000000000001]')).toBe('001000000000001');
    expect(idInDisplayName('Acme [12]')).toBeNull();
  });
});

describe('contact normalizers', () => {
  it('e-mail: case, +tag, Gmail dots, several addresses, junk', () => {
    expect(normalizeEmail(' Billing+Q3@Acme.COM ')).toBe('billing@acme.com');
    expect(normalizeEmail('j.o.h.n@googlemail.com')).toBe('john@gmail.com');
    expect(normalizeEmail('j.o.h.n@acme.com')).toBe('j.o.h.n@acme.com');
    expect(normalizeEmails('a@acme.com, b@acme.com;a@acme.com')).toEqual(['a@acme.com', 'b@acme.com']);
    expect(normalizeEmail('not an email')).toBeNull();
    expect(normalizeEmail(null)).toBeNull();
  });

  it('public mailbox providers are generic, company domains are not', () => {
    for (const d of ['gmail.com', 'yahoo.co.uk', 'hotmail.fr', 'comcast.net', 'icloud.com']) expect(isGenericDomain(d)).toBe(true);
    for (const d of ['acme.com', 'gmailer.com', 'yahoo-finance-partners.com']) expect(isGenericDomain(d)).toBe(false);
  });

  it('website: scheme, www, path and subdomains go; co.uk keeps three labels', () => {
    expect(websiteDomain('https://www.Acme.com/about?x=1')).toBe('acme.com');
    expect(websiteDomain('shop.acme.co.uk')).toBe('acme.co.uk');
    expect(websiteDomain('n/a')).toBeNull();
  });

  it('phone: formats, country code, trunk zero and extension agree; placeholders do not count', () => {
    const us = normalizePhone('(512) 555-0134');
    expect(us).not.toBeNull();
    for (const p of ['+1 512 555 0134', '512.555.0134', '1-512-555-0134 ext. 12', '5125550134 x7']) expect(normalizePhone(p)).toBe(us);
    expect(normalizePhone('+44 20 7946 0958')).toBe(normalizePhone('020 7946 0958'));
    expect(normalizePhone('(512) 555-0135')).not.toBe(us);
    expect(normalizePhone('000-000-0000')).toBeNull();
    expect(normalizePhone('123-456-7890')).toBeNull();
    expect(normalizePhone('12345')).toBeNull();
  });

  it('postal code: ZIP+4 becomes ZIP, spaces and case go', () => {
    expect(normalizePostalCode('78701-1234')).toBe('78701');
    expect(normalizePostalCode('787011234')).toBe('78701');
    expect(normalizePostalCode('sw1a 1aa')).toBe('SW1A1AA');
    expect(normalizePostalCode(' ')).toBeNull();
  });

  it('street: abbreviations and the house number, not the suite number', () => {
    expect(normalizeStreet('100 Main Street, Suite 200')).toEqual({ number: '100', key: '100 main st ste 200' });
    expect(normalizeStreet('Suite 200, 100 Main St.')?.number).toBe('100');
    expect(normalizeStreet('Hauptstraße 5')?.number).toBe('5');
  });

  it('country and SKU', () => {
    expect(normalizeCountry('United States')).toBe('US');
    expect(normalizeCountry('usa')).toBe('US');
    expect(normalizeCountry('Deutschland')).toBe('DE');
    expect(normalizeCountry('Narnia')).toBe('NARNIA');
    expect(normalizeSku('wid-1001')).toBe(normalizeSku('WID 1001'));
    expect(normalizeSku('WID1001')).toBe('WID1001');
    expect(normalizeSku('--')).toBeNull();
  });
});
