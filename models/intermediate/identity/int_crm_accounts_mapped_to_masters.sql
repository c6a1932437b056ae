{#- Duplicate CRM accounts of one company resolve to one master account.
    Groups: same registrable (non free-mail) domain; an account without a domain
    joins the domain group whose accounts carry its normalized name when exactly one
    such domain exists, else groups with other domain-less accounts of that name.
    Survivorship (first wins): has a domain, is a customer, most opportunities,
    oldest created_at, lowest account_id. -#}
with

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

hosts as (
    select * from {{ ref('int_free_mail_domains') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

match_rules as (
    select * from {{ ref('identity_match_rules') }}
    where record_source = 'crm_account'
),

free_mail_domains as (
    select distinct hosts.registrable_domain as domain  -- noqa: RF04
    from hosts
    where hosts.is_free_mail and hosts.registrable_domain is not null
),

opportunity_counts as (
    select
        opportunities.account_id,
        count(*) as opportunity_count
    from opportunities
    where opportunities.account_id is not null
    group by opportunities.account_id
),

prepared as (
    select
        accounts.account_id,
        case
            when free_mail_domains.domain is null then nullif(trim(accounts.domain), '')
        end as match_domain,
        nullif(trim(accounts.account_name_normalized), '') as match_name,
        coalesce(accounts.account_type = 'customer', false) as is_customer,
        coalesce(opportunity_counts.opportunity_count, 0) as opportunity_count,
        accounts.created_at
    from accounts
    left join free_mail_domains
        on accounts.domain = free_mail_domains.domain
    left join opportunity_counts
        on accounts.account_id = opportunity_counts.account_id
),

name_domains as (
    select
        prepared.match_name,
        count(distinct prepared.match_domain) as domain_count,
        min(prepared.match_domain) as name_domain
    from prepared
    where prepared.match_domain is not null and prepared.match_name is not null
    group by prepared.match_name
),

grouped as (
    select
        prepared.account_id,
        prepared.match_domain,
        prepared.match_name,
        prepared.is_customer,
        prepared.opportunity_count,
        prepared.created_at,
        case
            when prepared.match_domain is not null
                then {{ dbt.concat(["'domain:'", "prepared.match_domain"]) }}
            when name_domains.domain_count = 1
                then {{ dbt.concat(["'domain:'", "name_domains.name_domain"]) }}
            when prepared.match_name is not null and name_domains.domain_count is null
                then {{ dbt.concat(["'name:'", "prepared.match_name"]) }}
            else {{ dbt.concat(["'account:'", "prepared.account_id"]) }}
        end as match_group_key,
        coalesce(
            prepared.match_domain is null and name_domains.domain_count > 1, false
        ) as is_ambiguous_name
    from prepared
    left join name_domains
        on prepared.match_name = name_domains.match_name
),

ranked as (
    select
        grouped.account_id,
        grouped.match_domain,
        grouped.match_group_key,
        grouped.is_ambiguous_name,
        row_number() over (
            partition by grouped.match_group_key
            order by
                case when grouped.match_domain is not null then 0 else 1 end,
                case when grouped.is_customer then 0 else 1 end,
                grouped.opportunity_count desc,
                grouped.created_at asc nulls last,
                grouped.account_id asc
        ) as survivorship_rank
    from grouped
),

masters as (
    select
        ranked.match_group_key,
        ranked.account_id as master_account_id,
        ranked.match_domain as master_domain
    from ranked
    where ranked.survivorship_rank = 1
),

mapped as (
    select
        ranked.account_id as source_account_id,
        masters.master_account_id as account_id,
        case
            when ranked.survivorship_rank = 1 then 'self'
            when ranked.match_domain is not null then 'domain'
            else 'name'
        end as matched_by,
        ranked.match_group_key,
        masters.master_domain as account_domain,
        ranked.survivorship_rank,
        ranked.survivorship_rank = 1 as is_master,
        ranked.is_ambiguous_name
    from ranked
    inner join masters
        on ranked.match_group_key = masters.match_group_key
),

final as (
    select
        mapped.source_account_id,
        mapped.account_id,
        mapped.matched_by,
        match_rules.match_confidence,
        mapped.match_group_key,
        mapped.account_domain,
        mapped.survivorship_rank,
        mapped.is_master,
        mapped.is_ambiguous_name
    from mapped
    left join match_rules
        on mapped.matched_by = match_rules.matched_by
)

select * from final
