// The customer's browser and operating system, with versions, for the
// "Browser" and "Operating system" fields of a bug report: read from the
// user-agent string first, then refined from navigator.userAgentData where
// the browser offers it (Chromium freezes the version numbers in the
// string, e.g. every macOS as "10_15_7", but reports the real ones there).

export interface Environment {
  browser: string;
  os: string;
}

function major(v: string | undefined): string {
  return (v ?? "").split(".")[0];
}

/** Browser and OS from a user-agent string ("Chrome 131", "Windows 10"). */
export function parseUserAgent(ua: string): Environment {
  let browser = "";
  let m: RegExpMatchArray | null;
  if ((m = ua.match(/Edg(?:e|A|iOS)?\/([\d.]+)/))) browser = `Edge ${major(m[1])}`;
  else if ((m = ua.match(/OPR\/([\d.]+)/))) browser = `Opera ${major(m[1])}`;
  else if ((m = ua.match(/SamsungBrowser\/([\d.]+)/))) browser = `Samsung Internet ${major(m[1])}`;
  else if ((m = ua.match(/(?:Firefox|FxiOS)\/([\d.]+)/))) browser = `Firefox ${major(m[1])}`;
  else if ((m = ua.match(/(?:HeadlessChrome|Chrome|CriOS)\/([\d.]+)/))) browser = `Chrome ${major(m[1])}`;
  else if ((m = ua.match(/Version\/([\d.]+).*Safari\//))) browser = `Safari ${m[1].split(".").slice(0, 2).join(".")}`;

  let os = "";
  if ((m = ua.match(/Windows NT ([\d.]+)/))) {
    const nt: Record<string, string> = { "10.0": "10", "6.3": "8.1", "6.2": "8", "6.1": "7" };
    os = `Windows ${nt[m[1]] ?? m[1]}`;
  } else if ((m = ua.match(/(?:iPhone|CPU) OS (\d+)[_.](\d+)/))) os = `iOS ${m[1]}.${m[2]}`;
  else if ((m = ua.match(/iPad.*OS (\d+)[_.](\d+)/))) os = `iPadOS ${m[1]}.${m[2]}`;
  else if ((m = ua.match(/Mac OS X (\d+)[_.](\d+)/))) os = m[1] === "10" ? `macOS 10.${m[2]}` : `macOS ${m[1]}`;
  else if ((m = ua.match(/Android ([\d.]+)/))) os = `Android ${m[1]}`;
  else if ((m = ua.match(/CrOS (\S+)/))) os = `ChromeOS`;
  else if ((m = ua.match(/Linux (\w+)/))) os = `Linux ${m[1]}`;
  else if (/Linux/.test(ua)) os = "Linux";
  return { browser, os };
}

interface UAData {
  brands?: { brand: string; version: string }[];
  platform?: string;
  getHighEntropyValues?: (hints: string[]) => Promise<{
    platform?: string;
    platformVersion?: string;
    architecture?: string;
    bitness?: string;
    fullVersionList?: { brand: string; version: string }[];
  }>;
}

/** The environment from userAgentData's high-entropy values, where available. */
async function fromClientHints(base: Environment): Promise<Environment> {
  const data = (navigator as any).userAgentData as UAData | undefined;
  if (!data?.getHighEntropyValues) return base;
  try {
    const hi = await data.getHighEntropyValues(["platformVersion", "architecture", "bitness", "fullVersionList"]);
    let { browser, os } = base;
    const brands = (hi.fullVersionList ?? data.brands ?? []).filter((b) => !/Not.?A.?Brand/i.test(b.brand));
    const named =
      brands.find((b) => /Edge/.test(b.brand)) ??
      brands.find((b) => /Opera/.test(b.brand)) ??
      brands.find((b) => b.brand === "Google Chrome") ??
      brands.find((b) => /Chrom/.test(b.brand));
    if (named) {
      const name = /Edge/.test(named.brand) ? "Edge" : /Opera/.test(named.brand) ? "Opera" : "Chrome";
      browser = `${name} ${major(named.version)}`;
    }
    const pv = hi.platformVersion ?? "";
    const platform = hi.platform ?? data.platform ?? "";
    if (platform === "Windows" && pv) os = Number(major(pv)) >= 13 ? "Windows 11" : "Windows 10";
    else if (platform === "macOS" && pv) os = `macOS ${major(pv)}`;
    else if (platform === "Android" && pv) os = `Android ${major(pv)}`;
    else if (platform === "Linux" && !os.startsWith("Linux ") && hi.architecture)
      os = `Linux ${hi.architecture === "x86" && hi.bitness === "64" ? "x86_64" : hi.architecture}`;
    return { browser, os };
  } catch {
    return base;
  }
}

/** This browser's environment ("Chrome 156", "macOS 14"). */
export async function detectEnvironment(): Promise<Environment> {
  return fromClientHints(parseUserAgent(navigator.userAgent));
}
