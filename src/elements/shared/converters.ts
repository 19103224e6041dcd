import type { ComplexAttributeConverter, PropertyDeclaration } from 'lit';

// Attribute-to-property only: Lit converts back (toAttribute) to reflect a property, and no
// property with these converters reflects.

/** Attribute converter for JSON-valued attributes (`extra='{"name":"Ada"}'`). Bad JSON reads as undefined. */
export const jsonConverter: ComplexAttributeConverter = {
  fromAttribute(value) {
    if (value === null || value === '') return undefined;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      // The element reports it (rtc-error): see isJson.
      return undefined;
    }
  },
};

/** Whether an attribute value parses as JSON. */
export function isJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/** Number attribute that reads empty/invalid values as undefined (not NaN or 0). */
export const optionalNumber: ComplexAttributeConverter<number | undefined> = {
  fromAttribute(value) {
    if (value === null || value.trim() === '') return undefined;
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  },
};

/** The attributes an element reads with jsonConverter, each with the property it sets. */
export function jsonAttributes(
  properties: Record<string, PropertyDeclaration>,
): Map<string, string> {
  const json = Object.entries(properties).filter(([, d]) => d.converter === jsonConverter);
  return new Map(
    json.map(([name, d]) => [
      typeof d.attribute === 'string' ? d.attribute : name.toLowerCase(),
      name,
    ]),
  );
}
