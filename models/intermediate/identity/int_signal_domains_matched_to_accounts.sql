{#- One row per source and domain seen in enrichment, intent (Bombora, G2) and
    anonymous engagement (ip_domain). Rules, first wins: the domain equals a CRM
    master's domain; its registrable domain does; otherwise (not free mail) the
    company is a net-new universe account keyed by its registrable domain.
    Downstream signal tables join here by equality on (record_source, domain). -#}
with

crm_account_domains as (
    select * from {{ ref('int_crm_account_domains') }}
),

hosts as (
    select * from {{ ref('int_free_mail_domains') }}
),

enrichment as (
    select * from {{ ref('stg_enrichment__companies') }}
),

bombora as (
    select * from {{ ref('stg_intent__bombora_surges') }}
),

g2 as (
    select * from {{ ref('stg_intent__g2_signals') }}
),

activities as (
    select * from {{ ref('stg_engagement__activities') }}
),

match_rules as (
    select * from {{ ref('identity_match_rules') }}
    where record_source = 'domain'
),

crm_domains as (
    select
        crm_account_domains.domain,
        crm_account_domains.account_id
    from crm_account_domains
    where crm_account_domains.domain is not null
),

host_domains as (
    select
        hosts.host,
        max(hosts.registrable_domain) as registrable_domain,
        max(case when hosts.is_free_mail then 1 else 0 end) = 1 as is_free_mail
    from hosts
    group by hosts.host
),

free_mail_domains as (
    select distinct hosts.registrable_domain as domain  -- noqa: RF04
    from hosts
    where hosts.is_free_mail and hosts.registrable_domain is not null
),

source_domains as (
    select
        'enrichment' as record_source,
        lower(trim(enrichment.domain)) as domain,  -- noqa: RF04
        count(*) as record_count
    from enrichment
    where enrichment.domain is not null
    group by lower(trim(enrichment.domain))

    union all

    select
        'bombora' as record_source,
        lower(trim(bombora.domain)) as domain,  -- noqa: RF04
        count(*) as record_count
    from bombora
    where bombora.domain is not null
    group by lower(trim(bombora.domain))

    union all

    select
        'g2' as record_source,
        lower(trim(g2.domain)) as domain,  -- noqa: RF04
        count(*) as record_count
    from g2
    where g2.domain is not null
    group by lower(trim(g2.domain))

    union all

    select
        'engagement' as record_source,
        lower(trim(activities.ip_domain)) as domain,  -- noqa: RF04
        count(*) as record_count
    from activities
    where activities.ip_domain is not null
    group by lower(trim(activities.ip_domain))
),

with_registrable as (
    select
        source_domains.record_source,
        source_domains.domain,
        source_domains.record_count,
        coalesce(host_domains.registrable_domain, source_domains.domain) as registrable_domain,
        coalesce(host_domains.is_free_mail, false)
        or free_mail_domains.domain is not null as is_free_mail
    from source_domains
    left join host_domains
        on source_domains.domain = host_domains.host
    left join free_mail_domains
        on coalesce(host_domains.registrable_domain, source_domains.domain) = free_mail_domains.domain
),

matched as (
    select
        with_registrable.record_source,
        with_registrable.domain,
        with_registrable.registrable_domain,
        with_registrable.record_count,
        with_registrable.is_free_mail,
        case
            when with_registrable.is_free_mail then null
            when exact_match.account_id is not null then exact_match.account_id
            when registrable_match.account_id is not null then registrable_match.account_id
            else {{ domain_account_id('with_registrable.registrable_domain') }}
        end as account_id,
        case
            when with_registrable.is_free_mail then null
            when exact_match.account_id is not null then 'domain'
            when registrable_match.account_id is not null then 'registrable_domain'
            else 'net_new_domain'
        end as matched_by,
        case
            when with_registrable.is_free_mail then with_registrable.registrable_domain
            when exact_match.account_id is not null then exact_match.domain
            else with_registrable.registrable_domain
        end as account_domain
    from with_registrable
    left join crm_domains as exact_match
        on with_registrable.domain = exact_match.domain
    left join crm_domains as registrable_match
        on with_registrable.registrable_domain = registrable_match.domain
),

final as (
    select
        matched.record_source,
        matched.domain,
        matched.registrable_domain,
        matched.account_id,
        matched.account_domain,
        matched.matched_by,
        match_rules.match_confidence,
        coalesce(matched.matched_by in ('domain', 'registrable_domain'), false) as is_in_crm,
        case when matched.is_free_mail then 'free_mail_domain' end as unmatched_reason,
        matched.record_count
    from matched
    left join match_rules
        on matched.matched_by = match_rules.matched_by
)

select * from final
