/** The four content kinds this module owns, registered with the generic workflow. */
import { Article } from './models/article';
import { CaseStudy } from './models/case-study';
import { Deputy } from './models/deputy';
import { DeputyGroup } from './models/deputy-group';
import type { ContentKind } from './enums';
import { registerWorkflowKind, type WorkflowKind } from './workflow/registry';
import { DIGEST_MAX } from './enums';
import { digestFrom } from './markdown';
import { regionKeysOf } from './models/publishable';

/** Auto digest (while the editor leaves it empty) and the denormalised region keys. */
function deriveFrom(bodyField: string) {
  return (f: Record<string, unknown>) => {
    const auto = f.digestAuto !== false || !String(f.digest ?? '').trim();
    return {
      digestAuto: auto,
      digest: auto ? digestFrom(String(f[bodyField] ?? ''), DIGEST_MAX) : f.digest,
      regionKeys: regionKeysOf(f.region as never),
    };
  };
}
/** Computed on every save (never typed by editors): left out of diffs. */
export const DERIVED_FIELDS = ['digestAuto', 'regionKeys'];
const derived = DERIVED_FIELDS;

export const contentKinds: Record<ContentKind, WorkflowKind & { kind: ContentKind; pathFamily: string }> = {
  article: {
    kind: 'article',
    model: Article,
    titleField: 'title',
    bodyField: 'body',
    derive: deriveFrom('body'),
    label: '新闻',
    pathFamily: 'articles',
    editableFields: ['title', 'slug', 'digest', 'body', 'coverMediaId', 'byline', 'region', 'topics', 'featured', 'relatedDeputyIds', 'relatedGroupIds', 'relatedCaseIds', ...derived],
  },
  deputy: {
    kind: 'deputy',
    model: Deputy,
    titleField: 'name',
    bodyField: 'story',
    derive: deriveFrom('story'),
    label: '典型代表',
    pathFamily: 'deputies',
    editableFields: ['name', 'slug', 'level', 'region', 'groupId', 'occupation', 'organisation', 'photoMediaId', 'digest', 'story', 'highlights', 'topics', 'featured', 'leader', 'phones', ...derived],
  },
  group: {
    kind: 'group',
    model: DeputyGroup,
    titleField: 'name',
    bodyField: 'body',
    derive: deriveFrom('body'),
    label: '代表小组',
    pathFamily: 'groups',
    editableFields: ['name', 'slug', 'region', 'digest', 'body', 'coverMediaId', 'roomAddress', 'members', 'activities', 'topics', 'featured', ...derived],
  },
  case: {
    kind: 'case',
    model: CaseStudy,
    titleField: 'title',
    bodyField: 'body',
    derive: deriveFrom('body'),
    label: '典型模式',
    pathFamily: 'cases',
    editableFields: ['title', 'slug', 'caseKind', 'region', 'summary', 'digest', 'body', 'coverMediaId', 'figures', 'topics', 'featured', 'relatedDeputyIds', 'relatedGroupIds', ...derived],
  },
};

for (const spec of Object.values(contentKinds)) registerWorkflowKind(spec);
