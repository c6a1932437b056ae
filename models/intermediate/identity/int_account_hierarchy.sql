{#- One row per universe account: its direct parent and ultimate parent.
    Parent precedence: the CRM parent_id (mapped to its master), else the
    enrichment parent_domain, else the enrichment ultimate_parent_domain.
    The walk to the top is unrolled to var('identity_max_hierarchy_depth') equality
    joins (no recursion, so a cycle cannot loop); a chain that revisits an account
    is a cycle, one still climbing at the limit exceeds the depth. Such accounts and
    accounts whose named parent is unknown are flagged and treated as their own top. -#}
{%- set max_depth = var('identity_max_hierarchy_depth') | int -%}
{%- set roll_up = var('identity_roll_up_to_parent') | string | lower in ('true', '1', 'yes') -%}
{%- set ancestors = [] -%}
{%- for level in range(1, max_depth + 1) -%}
    {%- do ancestors.append('walk.ancestor_' ~ level) -%}
{%- endfor -%}
{%- set earlier = ['walk.account_id'] + ancestors[:-1] -%}
{%- set furthest_first = ancestors | reverse | list + ['walk.account_id'] -%}
{%- set children = ['direct_parents.account_id'] -%}
{%- for level in range(1, max_depth) -%}
    {%- do children.append('edge_' ~ level ~ '.parent_account_id') -%}
{%- endfor -%}
{%- set counted = [] -%}
{%- for ancestor in ancestors -%}
    {%- do counted.append('case when ' ~ ancestor ~ ' is not null then 1 else 0 end') -%}
{%- endfor -%}
with

universe as (
    select * from {{ ref('int_account_universe') }}
),

crm_map as (
    select * from {{ ref('int_crm_accounts_mapped_to_masters') }}
),

crm_accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

enrichment as (
    select * from {{ ref('int_enrichment_companies_matched_to_accounts') }}
),

hosts as (
    select * from {{ ref('int_free_mail_domains') }}
),

host_domains as (
    select
        hosts.host,
        max(hosts.registrable_domain) as registrable_domain
    from hosts
    group by hosts.host
),

universe_domains as (
    select
        universe.domain,
        universe.account_id
    from universe
    where universe.domain is not null
),

crm_parents as (
    -- the master's own parent_id first, else any duplicate's (lowest id)
    select
        crm_map.account_id,
        crm_accounts.parent_account_id,
        row_number() over (
            partition by crm_map.account_id
            order by crm_map.survivorship_rank, crm_accounts.parent_account_id
        ) as parent_rank
    from crm_map
    inner join crm_accounts
        on crm_map.source_account_id = crm_accounts.account_id
    where nullif(trim(crm_accounts.parent_account_id), '') is not null
),

crm_parent_edges as (
    select
        crm_parents.account_id,
        crm_parents.parent_account_id as named_parent,
        parent_map.account_id as parent_account_id
    from crm_parents
    left join crm_map as parent_map
        on crm_parents.parent_account_id = parent_map.source_account_id
    where crm_parents.parent_rank = 1
),

enrichment_parent_edges as (
    select
        enrichment.account_id,
        coalesce(enrichment.parent_domain, enrichment.ultimate_parent_domain) as named_parent,
        coalesce(exact_parent.account_id, registrable_parent.account_id) as parent_account_id
    from enrichment
    left join universe_domains as exact_parent
        on coalesce(enrichment.parent_domain, enrichment.ultimate_parent_domain) = exact_parent.domain
    left join host_domains
        on coalesce(enrichment.parent_domain, enrichment.ultimate_parent_domain) = host_domains.host
    left join universe_domains as registrable_parent
        on host_domains.registrable_domain = registrable_parent.domain
    where coalesce(enrichment.parent_domain, enrichment.ultimate_parent_domain) is not null
),

direct_parents as (
    select
        universe.account_id,
        case
            when crm_parent_edges.named_parent is not null
                then crm_parent_edges.parent_account_id
            else enrichment_parent_edges.parent_account_id
        end as parent_account_id,
        case
            when crm_parent_edges.named_parent is not null then 'crm_parent_id'
            when enrichment_parent_edges.named_parent is not null then 'enrichment_parent_domain'
        end as parent_source,
        coalesce(crm_parent_edges.named_parent, enrichment_parent_edges.named_parent) as named_parent
    from universe
    left join crm_parent_edges
        on universe.account_id = crm_parent_edges.account_id
    left join enrichment_parent_edges
        on universe.account_id = enrichment_parent_edges.account_id
),

edges as (
    -- a parent that is the account itself (a duplicate pointing at its twin) is no parent
    select
        direct_parents.account_id,
        direct_parents.parent_account_id
    from direct_parents
    where
        direct_parents.parent_account_id is not null
        and direct_parents.parent_account_id != direct_parents.account_id
),

-- The linter cannot place templated loop lines; the rendered SQL is indented normally
-- noqa: disable=LT02
walk as (
    select
        direct_parents.account_id,
        direct_parents.parent_source,
        direct_parents.named_parent,
        {% for level in range(1, max_depth + 1) -%}
        edge_{{ level }}.parent_account_id as ancestor_{{ level }},
        {% endfor -%}
        direct_parents.named_parent is not null
        and direct_parents.parent_account_id is null as is_parent_missing
    from direct_parents
    {% for level in range(1, max_depth + 1) -%}
    left join edges as edge_{{ level }}
        on {{ children[level - 1] }} = edge_{{ level }}.account_id
    {% endfor -%}
),
-- noqa: enable=LT02

classified as (
    select
        walk.account_id,
        walk.parent_source,
        walk.named_parent,
        walk.ancestor_1 as parent_account_id,
        walk.is_parent_missing,
        case
            when walk.ancestor_{{ max_depth }} is null then 'ok'
            when walk.ancestor_{{ max_depth }} in ({{ earlier | join(', ') }}) then 'cycle'
            else 'depth_exceeded'
        end as hierarchy_status,
        coalesce({{ furthest_first | join(', ') }}) as furthest_ancestor,
        {{ counted | join(' + ') }} as ancestor_count
    from walk
),

final as (
    select
        classified.account_id,
        classified.parent_account_id,
        classified.parent_source,
        classified.named_parent,
        case
            when classified.hierarchy_status = 'cycle' then classified.account_id
            else classified.furthest_ancestor
        end as ultimate_parent_account_id,
        cast(
            case when classified.hierarchy_status = 'cycle' then 0 else classified.ancestor_count end
            as {{ dbt.type_int() }}
        ) as hierarchy_depth,
        classified.hierarchy_status,
        classified.hierarchy_status = 'cycle' as has_hierarchy_cycle,
        classified.is_parent_missing,
        case
            when {{ 'true' if roll_up else 'false' }} and classified.hierarchy_status != 'cycle'
                then classified.furthest_ancestor
            else classified.account_id
        end as rollup_account_id
    from classified
)

select * from final
