import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes operators filter on in the Web UI and `temporal workflow list --query`. */
export const WorkorderIdKey = defineSearchAttributeKey('WorkorderId', SearchAttributeType.INT);
export const CompanyIdKey = defineSearchAttributeKey('CompanyId', SearchAttributeType.INT);
export const PrintingPartnerIdKey = defineSearchAttributeKey('PrintingPartnerId', SearchAttributeType.INT);
export const WorkorderStateKey = defineSearchAttributeKey('WorkorderState', SearchAttributeType.KEYWORD);
export const WorkorderTypeKey = defineSearchAttributeKey('WorkorderType', SearchAttributeType.KEYWORD);
export const WorkorderReferenceKey = defineSearchAttributeKey(
  'WorkorderReference',
  SearchAttributeType.KEYWORD,
);
export const WorkorderArchivedKey = defineSearchAttributeKey('WorkorderArchived', SearchAttributeType.BOOL);

const KEYS = [
  WorkorderIdKey,
  CompanyIdKey,
  PrintingPartnerIdKey,
  WorkorderStateKey,
  WorkorderTypeKey,
  WorkorderReferenceKey,
  WorkorderArchivedKey,
];

/** The type names `temporal server start-dev --search-attribute NAME=Type` takes. */
const CLI_TYPE_NAMES = { INT: 'Int', KEYWORD: 'Keyword', BOOL: 'Bool' } as const;
type CliTypeName = (typeof CLI_TYPE_NAMES)[keyof typeof CLI_TYPE_NAMES];

/** Every key above, by name and CLI type name: what a namespace must have registered. */
export const SEARCH_ATTRIBUTES: ReadonlyArray<{ name: string; type: CliTypeName }> = KEYS.map((key) => ({
  name: key.name,
  type: CLI_TYPE_NAMES[key.type],
}));
