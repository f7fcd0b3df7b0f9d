import { type LinearPattern, linear } from "../../src/text/linear.js";

/**
 * A customer's words that say a resolution did not solve the problem («не согласен»,
 * «проблема осталась», «не помогло»), in Russian and English. Thanks and confirmations
 * («спасибо, всё работает», «проблема решена») do not match; a negated confirmation
 * («не решена», «не работает») does.
 */
// Customers write these, so they run on RE2. Cyrillic words have no \b and RE2 no
// look-around: a word starts after the start or a non-letter, and ends before the end or
// one — matched, not looked at, which is the same for a test.
export const disagreementPatterns: readonly LinearPattern[] = [
  linear(/(?:^|[^\p{L}])не\s+соглас(ен|на|ны)/iu),
  linear(
    /(?:^|[^\p{L}])не\s+(решен[аоы]?|решили|устранен[аоы]?|устранили|исправлен[аоы]?|исправили)(?:$|[^\p{L}])/iu,
  ),
  linear(
    /(?:^|[^\p{L}])не\s+(работает|работают|открывается|печатает|печатаются|сохраняется|помогло|помогает)(?:$|[^\p{L}])/iu,
  ),
  linear(
    /(?:^|[^\p{L}])(проблема|ошибка|неисправность)\s+(осталась|остается|остаётся|сохраняется|повторяется|вернулась|никуда не делась)/iu,
  ),
  linear(
    /(?:^|[^\p{L}])(по-прежнему|всё ещё|все ещё|все еще|снова|опять)\s+(не\s+\p{L}+|ошибк|сбой|падает|зависает|вылетает)/iu,
  ),
  linear(/\b(not|still not|isn't|is not|wasn't)\s+(solved|resolved|fixed|working)\b/i),
  linear(/\b(disagree|do not agree|don't agree)\b/i),
  linear(/\bstill\s+(fails|broken|happens)\b/i),
];

export function disagreement(text: string): boolean {
  return disagreementPatterns.some((p) => p.test(text));
}

const nonWord = linear(/[^\p{L}\p{N}]+/u);

/** The words of a text, for telling a reasoned answer from a bare «не согласен». */
export function wordCount(text: string): number {
  return text.split(nonWord).filter(Boolean).length;
}
