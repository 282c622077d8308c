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

/** Name and type of each, as `temporal server start-dev --search-attribute NAME=Type` takes them. */
export const SEARCH_ATTRIBUTES: ReadonlyArray<{ name: string; type: 'Int' | 'Keyword' | 'Bool' }> = [
  { name: 'WorkorderId', type: 'Int' },
  { name: 'CompanyId', type: 'Int' },
  { name: 'PrintingPartnerId', type: 'Int' },
  { name: 'WorkorderState', type: 'Keyword' },
  { name: 'WorkorderType', type: 'Keyword' },
  { name: 'WorkorderReference', type: 'Keyword' },
  { name: 'WorkorderArchived', type: 'Bool' },
];
