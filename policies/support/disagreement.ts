/**
 * A customer's words that say a resolution did not solve the problem («не согласен»,
 * «проблема осталась», «не помогло»), in Russian and English. Thanks and confirmations
 * («спасибо, всё работает», «проблема решена») do not match; a negated confirmation
 * («не решена», «не работает») does.
 */
// Cyrillic words have no \b in JavaScript: a word starts where no letter precedes it.
const patterns: readonly RegExp[] = [
  /(?<!\p{L})не\s+соглас(ен|на|ны)/iu,
  /(?<!\p{L})не\s+(решен[аоы]?|решили|устранен[аоы]?|устранили|исправлен[аоы]?|исправили)(?!\p{L})/iu,
  /(?<!\p{L})не\s+(работает|работают|открывается|печатает|печатаются|сохраняется|помогло|помогает)(?!\p{L})/iu,
  /(?<!\p{L})(проблема|ошибка|неисправность)\s+(осталась|остается|остаётся|сохраняется|повторяется|вернулась|никуда не делась)/iu,
  /(?<!\p{L})(по-прежнему|всё ещё|все ещё|все еще|снова|опять)\s+(не\s+\p{L}+|ошибк|сбой|падает|зависает|вылетает)/iu,
  /\b(not|still not|isn't|is not|wasn't)\s+(solved|resolved|fixed|working)\b/i,
  /\b(disagree|do not agree|don't agree)\b/i,
  /\bstill\s+(fails|broken|happens)\b/i,
];

export function disagreement(text: string): boolean {
  return patterns.some((p) => p.test(text));
}

/** The words of a text, for telling a reasoned answer from a bare «не согласен». */
export function wordCount(text: string): number {
  return text.split(/[^\p{L}\p{N}]+/u).filter(Boolean).length;
}
