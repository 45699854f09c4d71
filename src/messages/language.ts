import { catalogueFor, LOCALES, supportedLocale, translator } from "../i18n/index.ts";
import type { Message, SelectOption } from "./model.ts";

/**
 * The name of the catalogue a locale reads, in `inLocale` (by default its own): "Deutsch" for
 * "de-AT", "Français", "日本語", capitalised.
 */
export function languageName(tag: string, inLocale = tag): string {
  const language = catalogueFor(tag) ?? tag;
  const name = new Intl.DisplayNames([inLocale], { type: "language" }).of(language) ?? language;
  return name.charAt(0).toLocaleUpperCase(inLocale) + name.slice(1);
}

/** The settings form's language choices: the platform's, then each language in its own name. */
export function languageOptions(locale?: string): SelectOption[] {
  return [
    { label: translator(locale).t("language.auto"), value: "auto" },
    ...LOCALES.map((tag) => ({ label: languageName(tag), value: tag })),
  ];
}

const text = (summary: string): Message => ({
  summary,
  blocks: [{ type: "text", text: [summary] }],
});

/** Said in the new language, so the person sees at once that it worked. */
export function languageSetMessage(locale: string | null, fallback: string): Message {
  const t = translator(locale ?? fallback);
  return locale
    ? text(t.t("language.set", { language: languageName(locale, t.locale) }))
    : text(t.t("language.followPlatform", { language: languageName(fallback, t.locale) }));
}

export function languageShownMessage(locale: string, chosen: boolean): Message {
  const t = translator(locale);
  return {
    summary: t.t("language.current", { language: languageName(locale, t.locale) }),
    blocks: [
      {
        type: "text",
        text: t.rich(chosen ? "language.currentChosen" : "language.currentPlatform", {
          language: languageName(locale, t.locale),
        }),
      },
      {
        type: "context",
        text: t.rich("language.howToChange", {
          command: { command: "settings language <code>" },
          codes: LOCALES.join(", "),
        }),
      },
    ],
  };
}

export function unknownLanguageMessage(code: string, locale: string): Message {
  const t = translator(locale);
  return {
    summary: t.t("language.unknown", { code, codes: LOCALES.join(", ") }),
    blocks: [
      { type: "text", text: t.rich("language.unknown", { code, codes: LOCALES.join(", ") }) },
    ],
  };
}

export function workspaceLanguageMessage(locale: string | null, viewer: string): Message {
  const t = translator(viewer);
  return locale
    ? text(t.t("language.workspaceSet", { language: languageName(locale, t.locale) }))
    : text(t.t("language.workspaceCleared"));
}

/** The code a person typed, if Stackup speaks it ("de", "pt_br", "ja-JP"); "auto" is null. */
export function parseLanguage(input: string): { ok: true; locale: string | null } | { ok: false } {
  const code = input.trim();
  if (/^(auto|off|default|platform)$/i.test(code)) return { ok: true, locale: null };
  const locale = supportedLocale(code);
  return locale ? { ok: true, locale } : { ok: false };
}
