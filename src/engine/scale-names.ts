import type { Language } from "./rule.js";

/**
 * Names of the neutral scales as people read them (MantisBT's Russian UI words for
 * impact and priority, SPEC §2). A pack's vocabulary may rename any of them.
 */
export const scaleNames: Record<"impact" | "priority", Record<Language, Record<string, string>>> = {
  impact: {
    ru: {
      feature: "Нововведение",
      trivial: "Пустяк",
      text: "Текст/опечатка",
      tweak: "Настройка",
      minor: "Малое",
      major: "Большое",
      crash: "Критический",
      block: "Блокирующий",
      unknown: "не распознано",
    },
    en: {
      feature: "Feature",
      trivial: "Trivial",
      text: "Text",
      tweak: "Tweak",
      minor: "Minor",
      major: "Major",
      crash: "Crash",
      block: "Block",
      unknown: "unknown",
    },
  },
  priority: {
    ru: {
      none: "Нет",
      low: "Низкий",
      normal: "Обычный",
      high: "Высокий",
      urgent: "Срочный",
      immediate: "Неотложный",
      unknown: "не распознан",
    },
    en: {
      none: "None",
      low: "Low",
      normal: "Normal",
      high: "High",
      urgent: "Urgent",
      immediate: "Immediate",
      unknown: "unknown",
    },
  },
};
