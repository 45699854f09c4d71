import {
  isArgumentElement,
  isPluralElement,
  isPoundElement,
  isSelectElement,
  isTagElement,
  type MessageFormatElement,
  parse,
} from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { renderMrkdwn } from "../../adapters/slack/mrkdwn.ts";
import { renderMarkdown } from "../../adapters/teams/markdown.ts";
import { CATALOGUES, type MessageKey, translator } from "../../src/i18n/index.ts";

/** What a person might type into a goal's title, a note, a team's or an LMS's name. */
const TYPED = "{title} '{x}' <b>b</b> <at>Bob</at> <!channel> *s* _i_ [l](https://e.example) #";

const COUNT = 7;

/**
 * The string arguments a message shows when every select takes "other" and every plural
 * counts COUNT: each is given TYPED, every other argument a number or "other".
 */
function argumentsShown(elements: MessageFormatElement[], shown = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (isArgumentElement(el)) shown.add(el.value);
    if (isTagElement(el)) argumentsShown(el.children, shown);
    if (isSelectElement(el) && el.options.other) argumentsShown(el.options.other.value, shown);
    if (isPluralElement(el)) {
      const option = el.options[`=${COUNT}`] ?? el.options.other;
      if (option) argumentsShown(option.value, shown);
    }
  }
  return shown;
}

function valuesFor(elements: MessageFormatElement[], values: Record<string, string | number>) {
  for (const el of elements) {
    if (isPoundElement(el)) continue;
    if (isArgumentElement(el)) values[el.value] ??= TYPED;
    else if (isSelectElement(el)) values[el.value] = "other";
    else if ("value" in el && el.type !== 0 && typeof el.value === "string" && !isTagElement(el))
      values[el.value] = COUNT;
    if (isTagElement(el)) valuesFor(el.children, values);
    if (isSelectElement(el) || isPluralElement(el))
      for (const option of Object.values(el.options)) valuesFor(option.value, values);
  }
  return values;
}

/**
 * Values are data to ICU: a person's braces, quotes and angle brackets in an argument never
 * change the message around them, and what they typed reaches the renderers whole, which
 * escape it for Slack mrkdwn and Adaptive Card Markdown.
 */
describe("a person's text in a message argument", () => {
  for (const [locale, catalogue] of Object.entries(CATALOGUES)) {
    it(`stays as typed in every ${locale} message, and escaped once drawn`, () => {
      const tr = translator(locale);
      let checked = 0;
      for (const [key, source] of Object.entries(catalogue)) {
        const ast = parse(source);
        const values = valuesFor(ast, {});
        // An argument that is also a select or a count ("{level}" after "{level, select, …}") is a
        // word the code chose, not text a person typed.
        const shown = [...argumentsShown(ast)].filter((name) => values[name] === TYPED);
        if (shown.length === 0) continue;
        const plain = tr.t(key as MessageKey, values);
        expect(plain, key).toContain(TYPED);
        const rich = tr.rich(key as MessageKey, values);
        const slack = renderMrkdwn(rich);
        expect(slack, key).not.toMatch(/<!channel>|<at>|<b>|\*s\*|_i_/);
        const teams = renderMarkdown(rich);
        expect(teams, key).not.toMatch(/(^|[^\\])(<at>|<b>|\[l\]|\*s\*)/);
        checked += 1;
      }
      expect(checked).toBeGreaterThan(50);
    });
  }
});
