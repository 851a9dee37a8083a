/**
 * Slack reads `<…>` in a message's text as a control sequence (`<!channel>` notifies everyone, `<url|label>`
 * shows a link under any label) and `&` as the start of an entity. Our texts carry data others wrote (lead
 * names, hospitals mined from group messages), so the three characters Slack reserves are escaped, as its
 * formatting guide asks; Slack shows them as typed.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
