"""Every write and every enqueue of the events app.

Views, tasks and commands call these functions; nothing else writes events' rows. One
module per area, imported by name where it is used (`from events.services import curation`,
then `curation.entity_merge(...)`), so a call says which area it writes:

- `analysis`: an article's mentions, claims and detected events, stored;
- `clustering`: articles to events;
- `curation`: editors' decisions (entities, aliases, mentions, events, claim review);
- `tags`: tagging and untagging, taggings moved on a merge;
- `entity_counts`: each entity's stored mention and claims-about counts;
- `statistics`: the planner's statistics after bulk loads.
"""
