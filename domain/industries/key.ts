/**
 * The key industry names are compared by: NFKC, without spaces, and without the commas that join
 * two trades in one division name, whose form varies (卸売業，小売業 / 卸売業、小売業 / 卸売業,小売業).
 */
export const industryKey = (s: string): string => s.normalize('NFKC').replace(/[\s,、，・]/g, '');
