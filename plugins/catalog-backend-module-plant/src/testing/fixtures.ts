import {
  productionLineEntityV1alpha1Schema,
  siteEntityV1alpha1Schema,
} from '@plantops/backstage-plugin-plant-common';
import type { SiteRegistration } from '../siteRegistry/registration';

/** A registration body for a site with `lines` lines, from the kinds' schema examples. */
export function registration(name: string, lines = 1): SiteRegistration {
  const site = structuredClone(siteEntityV1alpha1Schema.examples[0]) as any;
  const line = productionLineEntityV1alpha1Schema.examples[0] as any;
  return {
    site: { metadata: { name, title: `Site ${name}` }, spec: site.spec },
    lines: Array.from({ length: lines }, (_, i) => ({
      metadata: { name: `${name}-line-${i + 1}` },
      spec: structuredClone(line.spec),
    })),
  };
}
