import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  isPluralElement,
  isSelectElement,
  isTagElement,
  type MessageFormatElement,
  parse,
} from "@formatjs/icu-messageformat-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CATALOGUES,
  LOCALES,
  readCatalogues,
  supportedLocale,
  Translator,
  translator,
} from "../../src/i18n/index.ts";

/**
 * What code relies on in a message: the arguments it passes, the tags it expects back and the
 * options of each select (code passes "yes"/"no"). Plural cases may differ by language.
 */
function signature(elements: MessageFormatElement[], out = new Set<string>()): Set<string> {
  for (const el of elements) {
    if ("value" in el && el.type !== 0) out.add(`{${el.value}}`);
    if (isTagElement(el)) {
      out.add(`<${el.value}>`);
      signature(el.children, out);
    }
    if (isSelectElement(el)) out.add(`${el.value}: ${Object.keys(el.options).sort().join("|")}`);
    if (isSelectElement(el) || isPluralElement(el)) {
      if (isPluralElement(el) && !el.options.other) out.add(`${el.value} lacks "other"`);
      for (const option of Object.values(el.options)) signature(option.value, out);
    }
  }
  return out;
}

const en = CATALOGUES.en!;

describe("message catalogues", () => {
  it("ship English, German, French, Spanish, Brazilian Portuguese and Japanese, one file each", () => {
    expect(LOCALES).toEqual(["en", "de", "es", "fr", "ja", "pt-BR"]);
    const files = readdirSync(join(import.meta.dirname, "../../src/i18n/locales")).sort();
    expect(files).toEqual(LOCALES.map((l) => `${l}.json`).sort());
  });

  describe("a language added as one file", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "stackup-locales-"));
      cpSync(join(import.meta.dirname, "../../src/i18n/locales"), dir, { recursive: true });
      const italian = { ...en, "button.done": "Fatto", "problem.try": "Prova: {command}" };
      writeFileSync(join(dir, "it.json"), JSON.stringify(italian));
      writeFileSync(join(dir, "nl-be.json"), JSON.stringify({ ...en, "button.done": "Klaar" }));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("is found by its file name, canonicalised, English still first", () => {
      const found = readCatalogues(pathToFileURL(`${dir}/`));
      expect(Object.keys(found)).toEqual(["en", "de", "es", "fr", "it", "ja", "nl-BE", "pt-BR"]);
      const italian = new Translator("it-IT", found.it);
      expect(italian.t("button.done")).toBe("Fatto");
      expect(italian.t("problem.try", { command: "help" })).toBe("Prova: help");
    });
  });

  it.each(LOCALES)("%s has every English key and no other", (locale) => {
    expect(Object.keys(CATALOGUES[locale]!).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(LOCALES)("%s: every message parses and takes the arguments English takes", (locale) => {
    const catalogue = CATALOGUES[locale]!;
    for (const [key, text] of Object.entries(en)) {
      const mine = catalogue[key] ?? "";
      expect(() => parse(mine), `${locale} ${key}`).not.toThrow();
      expect([...signature(parse(mine))].sort(), `${locale} ${key}`).toEqual(
        [...signature(parse(text))].sort(),
      );
    }
  });

  it.each(LOCALES.filter((l) => l !== "en"))("%s is translated, not copied", (locale) => {
    const catalogue = CATALOGUES[locale]!;
    // A few short words read the same in some languages ("Notiz" is not "Note", but "Total" is).
    const same = Object.keys(en).filter((key) => catalogue[key] === en[key]);
    expect(same.length, `${locale}: ${same.join(", ")}`).toBeLessThanOrEqual(
      Math.ceil(Object.keys(en).length * 0.05),
    );
  });
});

describe("locale tags", () => {
  it("takes the platform's tags in either spelling and falls back by language", () => {
    expect(supportedLocale("de-DE")).toBe("de-DE");
    expect(supportedLocale("ja_JP")).toBe("ja-JP");
    expect(supportedLocale("pt-PT")).toBe("pt-PT");
    expect(new Translator("pt-PT").t("button.done")).toBe(translator("pt-BR").t("button.done"));
    expect(supportedLocale("ko-KR")).toBeNull();
    expect(supportedLocale("not a locale!")).toBeNull();
    expect(supportedLocale("")).toBeNull();
  });

  it("speaks English with day-month dates when the locale is unknown", () => {
    const t = translator("xx");
    expect(t.locale).toBe("en-GB");
    expect(t.dateTime(new Date("2026-12-03T09:00:00Z"), "Europe/Berlin")).toBe("Thu 3 Dec, 10:00");
  });

  it("formats hours, dates and times as each locale does", () => {
    const at = new Date("2026-12-03T14:30:00Z");
    expect(translator("en-US").dateTime(at, "America/New_York")).toBe("Thu, Dec 3, 9:30 AM");
    expect(translator("de-DE").dateTime(at, "Europe/Berlin")).toBe("Do., 3. Dez., 15:30");
    expect(translator("ja-JP").dateTime(at, "Asia/Tokyo")).toBe("12月3日(木) 23:30");
    expect(translator("de").hours(1.5)).toBe("1,5 Std.");
    expect(translator("fr").hours(1234.5)).toBe("1\u202f234,5 h");
    expect(translator("ja").hours(2)).toBe("2時間");
    expect(translator("en-US").time("18:05")).toBe("6:05 PM");
    expect(translator("de").time("18:05")).toBe("18:05");
    expect(translator("fr").percent(0.3)).toBe("30\u00a0%");
    expect(translator("de").date("2027-03-31", 2026)).toBe("31. März 2027");
  });

  it("plurals follow the language", () => {
    expect(translator("en").t("checkin.summary", { count: 1, title: "Rust" })).toBe(
      "Check-in: how is Rust going?",
    );
    expect(translator("en").t("checkin.summary", { count: 3, title: "Rust" })).toBe(
      "Check-in: how are your 3 goals going?",
    );
    expect(translator("de").t("checkin.summary", { count: 3, title: "Rust" })).toContain("3");
  });
});
