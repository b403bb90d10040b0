/**
 * Word lists the sample records are drawn from. Small and fixed on purpose: the data only has
 * to look plausible, and changing a list changes every record of every seed, so treat these
 * lists as frozen (the determinism tests pin a few records).
 */

/** Given names. */
export const FIRST_NAMES: readonly string[] = [
  'Ada',
  'Alan',
  'Amara',
  'Anders',
  'Aiko',
  'Bea',
  'Bruno',
  'Chen',
  'Clara',
  'Dara',
  'Diego',
  'Elif',
  'Emil',
  'Fatima',
  'Felix',
  'Grace',
  'Hana',
  'Ivan',
  'Jonas',
  'Kofi',
  'Lena',
  'Luis',
  'Maya',
  'Mateo',
  'Nia',
  'Noah',
  'Olga',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Sofia',
  'Taro',
  'Uma',
  'Vera',
  'Wen',
  'Xavier',
  'Yara',
  'Zoe',
];

/** Family names. */
export const LAST_NAMES: readonly string[] = [
  'Adams',
  'Berg',
  'Costa',
  'Diaz',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Hughes',
  'Ito',
  'Jensen',
  'Kim',
  'Lopez',
  'Moreau',
  'Nakamura',
  'Novak',
  'Okafor',
  'Petrov',
  'Quist',
  'Rossi',
  'Singh',
  'Tanaka',
  'Umarov',
  'Varga',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zhang',
  'Silva',
  'Mensah',
  'Kowalski',
];

/** Mail domains; the reserved example.* names, so no generated address can reach anyone. */
export const EMAIL_DOMAINS: readonly string[] = ['example.com', 'example.org', 'example.net'];

/** Street names, without the number. */
export const STREET_NAMES: readonly string[] = [
  'Maple Avenue',
  'Oak Street',
  'Pine Road',
  'Cedar Lane',
  'Elm Street',
  'Harbor Way',
  'Hill Road',
  'Lake Drive',
  'Market Street',
  'Mill Lane',
  'Park Avenue',
  'River Road',
  'Station Road',
  'Sunset Boulevard',
  'Willow Court',
  'Birch Close',
];

/** A city with its state or region and ISO 3166-1 country code, drawn together so they agree. */
export interface Place {
  readonly city: string;
  readonly state: string;
  readonly countryCode: string;
}

/** Places an address can be in. */
export const PLACES: readonly Place[] = [
  { city: 'Portland', state: 'Oregon', countryCode: 'US' },
  { city: 'Austin', state: 'Texas', countryCode: 'US' },
  { city: 'Denver', state: 'Colorado', countryCode: 'US' },
  { city: 'Boston', state: 'Massachusetts', countryCode: 'US' },
  { city: 'Toronto', state: 'Ontario', countryCode: 'CA' },
  { city: 'Vancouver', state: 'British Columbia', countryCode: 'CA' },
  { city: 'Lyon', state: 'Auvergne-Rhône-Alpes', countryCode: 'FR' },
  { city: 'Munich', state: 'Bavaria', countryCode: 'DE' },
  { city: 'Porto', state: 'Porto', countryCode: 'PT' },
  { city: 'Osaka', state: 'Osaka', countryCode: 'JP' },
  { city: 'Melbourne', state: 'Victoria', countryCode: 'AU' },
  { city: 'Accra', state: 'Greater Accra', countryCode: 'GH' },
];

/** A car make with some of its models, drawn together so a product never mixes makes. */
export interface Make {
  readonly make: string;
  readonly models: readonly string[];
}

/** Car makes and models, as source-faker's products are cars. */
export const MAKES: readonly Make[] = [
  { make: 'Audi', models: ['A3', 'A4', 'Q5', 'e-tron'] },
  { make: 'BMW', models: ['3 Series', 'X3', 'i4', 'Z4'] },
  { make: 'Ford', models: ['Focus', 'Mustang', 'F-150', 'Ranger'] },
  { make: 'Honda', models: ['Civic', 'Accord', 'CR-V', 'Jazz'] },
  { make: 'Hyundai', models: ['Ioniq 5', 'Kona', 'Tucson', 'i30'] },
  { make: 'Kia', models: ['Ceed', 'EV6', 'Niro', 'Sportage'] },
  { make: 'Mazda', models: ['MX-5', 'CX-5', 'Mazda3', 'CX-30'] },
  { make: 'Peugeot', models: ['208', '308', '3008', '5008'] },
  { make: 'Toyota', models: ['Corolla', 'Prius', 'RAV4', 'Yaris'] },
  { make: 'Volvo', models: ['XC40', 'XC60', 'V60', 'EX30'] },
];
