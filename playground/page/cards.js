// Draws the bot's Adaptive Cards with Microsoft's own renderer (adaptivecards, loaded as a
// script beside this module), with a host config close to Teams' light theme.

const AC = window.AdaptiveCards;
// Card Markdown through markdown-it with HTML off: a tag in a card's text is shown, never run,
// and links to javascript: and similar are not made (markdown-it's own link check).
const markdown = window.markdownit({ html: false, linkify: false, breaks: true });
AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
  result.outputHtml = markdown.render(text);
  result.didProcess = true;
};

const colours = (text, subtle) => ({
  default: { default: text, subtle },
  dark: { default: "#242424", subtle: "#424242" },
  light: { default: "#ffffff", subtle: "#f5f5f5" },
  accent: { default: "#5b5fc7", subtle: "#7f85f5" },
  good: { default: "#237b4b", subtle: "#13a10e" },
  warning: { default: "#835b00", subtle: "#c19c00" },
  attention: { default: "#c4314b", subtle: "#d13438" },
});

const HOST_CONFIG = new AC.HostConfig({
  fontFamily: "'Segoe UI', system-ui, -apple-system, sans-serif",
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 14, large: 20, extraLarge: 28, padding: 12 },
  separator: { lineThickness: 1, lineColor: "#e0e0e0" },
  fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 22 },
  containerStyles: {
    default: { backgroundColor: "#ffffff", foregroundColors: colours("#242424", "#616161") },
    emphasis: { backgroundColor: "#ebebeb", foregroundColors: colours("#242424", "#616161") },
    good: { backgroundColor: "#92c353", foregroundColors: colours("#242424", "#424242") },
    attention: { backgroundColor: "#fdf3f4", foregroundColors: colours("#242424", "#616161") },
  },
  actions: {
    actionsOrientation: "horizontal",
    actionAlignment: "left",
    buttonSpacing: 8,
    maxActions: 6,
    showCard: { actionMode: "inline", inlineTopMargin: 8 },
  },
  inputs: { label: { requiredInputs: { suffix: " *" } } },
});

/**
 * The card as HTML. `onAction(type, data, verb)` gets Action.Submit and Action.Execute with
 * the card's inputs merged into the data, once the renderer has checked required inputs.
 */
export function renderCard(content, onAction) {
  const card = new AC.AdaptiveCard();
  card.hostConfig = HOST_CONFIG;
  card.onExecuteAction = (action) => {
    const type = action.getJsonTypeName();
    if (type === "Action.OpenUrl") {
      if (/^https?:\/\//i.test(action.url ?? "")) window.open(action.url, "_blank", "noopener");
      return;
    }
    if (type === "Action.Submit" || type === "Action.Execute") {
      onAction(type, action.data, action.verb);
    }
  };
  card.parse(content);
  const element = card.render();
  if (!element) return document.createTextNode("(a card this renderer could not draw)");
  for (const a of element.querySelectorAll("a[href]")) {
    a.target = "_blank";
    a.rel = "noopener";
  }
  return element;
}
