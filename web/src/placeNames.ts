/**
 * A place's English name without the word for its kind: "Haishu" for "Haishu District", "Cixi"
 * for "Cixi City", "Lanjiang" for "Lanjiang Subdistrict" — where the context already says what the
 * place is (a map's outlines, a street column, a ticker line). At 24 px the kind words were what
 * made English names too long to show. Headers and crumbs keep the full names.
 */
export function englishWithoutKind(name: string): string {
  const short = name.replace(/ (District|County|City|Subdistrict|Town|Township)$/, '');
  return short.length > 0 ? short : name;
}
