/**
 * Mailbox providers whose domain says nothing about the company: two customers at gmail.com are not
 * related. Shared company-side domains (a bookkeeper's, an ISP's) are found from the data at run time
 * (see shared-values.ts); this list covers the well-known public providers.
 */
const PROVIDERS = [
  'gmail.com', 'googlemail.com', 'yahoo.com', 'ymail.com', 'rocketmail.com', 'hotmail.com', 'outlook.com',
  'live.com', 'msn.com', 'passport.com', 'aol.com', 'aim.com', 'icloud.com', 'me.com', 'mac.com',
  'proton.me', 'protonmail.com', 'pm.me', 'tutanota.com', 'gmx.com', 'gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch',
  'web.de', 't-online.de', 'freenet.de', 'mail.com', 'email.com', 'zoho.com', 'zohomail.com', 'yandex.com',
  'yandex.ru', 'mail.ru', 'inbox.ru', 'bk.ru', 'list.ru', 'rambler.ru', 'fastmail.com', 'fastmail.fm', 'hey.com',
  'comcast.net', 'verizon.net', 'att.net', 'sbcglobal.net', 'bellsouth.net', 'cox.net', 'charter.net',
  'earthlink.net', 'optonline.net', 'frontier.com', 'frontiernet.net', 'windstream.net', 'centurylink.net',
  'juno.com', 'netzero.net', 'roadrunner.com', 'rr.com', 'twc.com', 'spectrum.net', 'q.com', 'embarqmail.com',
  'shaw.ca', 'rogers.com', 'sympatico.ca', 'telus.net', 'videotron.ca', 'btinternet.com', 'btopenworld.com',
  'sky.com', 'virginmedia.com', 'ntlworld.com', 'talktalk.net', 'blueyonder.co.uk', 'orange.fr', 'wanadoo.fr',
  'free.fr', 'sfr.fr', 'laposte.net', 'libero.it', 'virgilio.it', 'tiscali.it', 'alice.it', 'bluewin.ch',
  'telenet.be', 'skynet.be', 'ziggo.nl', 'kpnmail.nl', 'planet.nl', 'home.nl', 'xs4all.nl', 'wp.pl', 'o2.pl',
  'onet.pl', 'interia.pl', 'seznam.cz', 'centrum.cz', 'bigpond.com', 'bigpond.net.au', 'optusnet.com.au',
  'iinet.net.au', 'xtra.co.nz', 'qq.com', '163.com', '126.com', 'sina.com', 'sohu.com', 'naver.com',
  'hanmail.net', 'daum.net', 'rediffmail.com', 'uol.com.br', 'bol.com.br', 'terra.com.br', 'hushmail.com',
  'yahoo.co.uk', 'yahoo.ca', 'yahoo.de', 'yahoo.fr', 'yahoo.es', 'yahoo.it', 'yahoo.co.in', 'yahoo.com.au',
  'yahoo.co.jp', 'hotmail.co.uk', 'hotmail.fr', 'hotmail.de', 'hotmail.it', 'hotmail.es', 'live.co.uk',
  'live.ca', 'outlook.de', 'outlook.fr', 'googlegroups.com', 'example.com', 'example.org', 'test.com',
];

const GENERIC = new Set(PROVIDERS);

/** Brand families with many country domains (yahoo.*, hotmail.*, ...). */
const GENERIC_FAMILIES = /^(yahoo|hotmail|outlook|live|gmx|yandex|aol|msn)\.[a-z.]+$/;

export function isGenericDomain(domain: string): boolean {
  return GENERIC.has(domain) || GENERIC_FAMILIES.test(domain);
}
