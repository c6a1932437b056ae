{#- One row per master CRM account: the domain that represents it in the account
    universe. A master without a website domain borrows one, so that enrichment,
    intent and leads at its domain do not become a second, net-new account:
    first the most common corporate email domain of its contacts (ties: lowest),
    else the domain of the only enrichment company with its normalized name. A
    borrowed domain is used only when no other master owns or borrows it. -#}
with

crm_map as (
    select * from {{ ref('int_crm_accounts_mapped_to_masters') }}
),

crm_accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

enrichment as (
    select * from {{ ref('stg_enrichment__companies') }}
),

hosts as (
    select * from {{ ref('int_free_mail_domains') }}
),

free_mail_domains as (
    select distinct hosts.registrable_domain as domain  -- noqa: RF04
    from hosts
    where hosts.is_free_mail and hosts.registrable_domain is not null
),

masters as (
    select
        crm_map.account_id,
        max(crm_map.account_domain) as website_domain
    from crm_map
    group by crm_map.account_id
),

contact_domain_counts as (
    select
        crm_map.account_id,
        contacts.email_domain as domain,  -- noqa: RF04
        count(*) as contact_count
    from contacts
    inner join crm_map
        on contacts.account_id = crm_map.source_account_id
    left join free_mail_domains
        on contacts.email_domain = free_mail_domains.domain
    where
        contacts.email_domain is not null
        and not coalesce(contacts.is_free_mail, false)
        and free_mail_domains.domain is null
    group by crm_map.account_id, contacts.email_domain
),

contact_domains as (
    select
        ranked.account_id,
        ranked.domain
    from (
        select
            contact_domain_counts.account_id,
            contact_domain_counts.domain,
            row_number() over (
                partition by contact_domain_counts.account_id
                order by contact_domain_counts.contact_count desc, contact_domain_counts.domain asc
            ) as domain_rank
        from contact_domain_counts
    ) as ranked
    where ranked.domain_rank = 1
),

enrichment_names as (
    select
        enrichment.company_name_normalized as name_normalized,
        min(lower(trim(enrichment.domain))) as domain  -- noqa: RF04
    from enrichment
    where enrichment.company_name_normalized is not null and enrichment.domain is not null
    group by enrichment.company_name_normalized
    having count(distinct lower(trim(enrichment.domain))) = 1
),

name_domains as (
    -- every name in the master's group may point at the enrichment record
    select
        crm_map.account_id,
        min(enrichment_names.domain) as domain  -- noqa: RF04
    from crm_map
    inner join crm_accounts
        on crm_map.source_account_id = crm_accounts.account_id
    inner join enrichment_names
        on crm_accounts.account_name_normalized = enrichment_names.name_normalized
    group by crm_map.account_id
    having count(distinct enrichment_names.domain) = 1
),

borrowed as (
    select
        masters.account_id,
        coalesce(contact_domains.domain, name_domains.domain) as domain,  -- noqa: RF04
        case
            when contact_domains.domain is not null then 'contact_email_domain'
            when name_domains.domain is not null then 'enrichment_name'
        end as domain_source
    from masters
    left join contact_domains
        on masters.account_id = contact_domains.account_id
    left join name_domains
        on masters.account_id = name_domains.account_id
    where masters.website_domain is null
),

claims as (
    select
        masters.website_domain as domain,  -- noqa: RF04
        masters.account_id
    from masters
    where masters.website_domain is not null

    union all

    select
        borrowed.domain,
        borrowed.account_id
    from borrowed
    where borrowed.domain is not null
),

uncontested as (
    select claims.domain
    from claims
    group by claims.domain
    having count(distinct claims.account_id) = 1
),

final as (
    select
        masters.account_id,
        case
            when masters.website_domain is not null then masters.website_domain
            when uncontested.domain is not null then borrowed.domain
        end as domain,  -- noqa: RF04
        case
            when masters.website_domain is not null then 'website'
            when uncontested.domain is not null then borrowed.domain_source
        end as domain_source
    from masters
    left join borrowed
        on masters.account_id = borrowed.account_id
    left join uncontested
        on borrowed.domain = uncontested.domain
)

select * from final
