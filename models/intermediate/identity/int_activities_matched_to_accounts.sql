{#- One row per engagement activity with the universe account it belongs to.
    Rules, first wins: the email is a known contact's (latest modified contact
    per email); a known lead's; its corporate email domain equals an account's
    domain; the reverse-IP ip_domain resolves to a universe account. All joins are
    equalities, so this scales with the activity count. -#}
with

activities as (
    select * from {{ ref('stg_engagement__activities') }}
),

contacts as (
    select * from {{ ref('int_contacts_matched_to_accounts') }}
),

leads as (
    select * from {{ ref('int_leads_matched_to_accounts') }}
),

universe as (
    select * from {{ ref('int_account_universe') }}
),

ip_domains as (
    select * from {{ ref('int_signal_domains_matched_to_accounts') }}
    where record_source = 'engagement'
),

match_rules as (
    select * from {{ ref('identity_match_rules') }}
    where record_source = 'activity'
),

universe_domains as (
    select
        universe.domain,
        universe.account_id
    from universe
    where universe.domain is not null
),

contact_emails as (
    select
        ranked.email,
        ranked.contact_id,
        ranked.account_id
    from (
        select
            contacts.email,
            contacts.contact_id,
            contacts.account_id,
            row_number() over (
                partition by contacts.email
                order by contacts.last_modified_at desc nulls last, contacts.contact_id asc
            ) as email_rank
        from contacts
        where contacts.email is not null and contacts.account_id is not null
    ) as ranked
    where ranked.email_rank = 1
),

lead_emails as (
    select
        ranked.email,
        ranked.lead_id,
        ranked.account_id
    from (
        select
            leads.email,
            leads.lead_id,
            leads.account_id,
            row_number() over (
                partition by leads.email
                order by leads.match_confidence desc, leads.lead_id asc
            ) as email_rank
        from leads
        where leads.email is not null and leads.account_id is not null
    ) as ranked
    where ranked.email_rank = 1
),

candidates as (
    select
        activities.activity_id,
        activities.activity_date,
        activities.occurred_at,
        activities.activity_type,
        activities.channel,
        lower(trim(activities.email)) as email,
        activities.email_domain,
        coalesce(activities.is_free_mail, false) as is_free_mail,
        lower(trim(activities.ip_domain)) as ip_domain,
        contact_emails.contact_id,
        lead_emails.lead_id,
        contact_emails.account_id as contact_match,
        lead_emails.account_id as lead_match,
        case
            when not coalesce(activities.is_free_mail, false) then universe_domains.account_id
        end as email_domain_match,
        ip_domains.account_id as ip_domain_match
    from activities
    left join contact_emails
        on lower(trim(activities.email)) = contact_emails.email
    left join lead_emails
        on lower(trim(activities.email)) = lead_emails.email
    left join universe_domains
        on activities.email_domain = universe_domains.domain
    left join ip_domains
        on lower(trim(activities.ip_domain)) = ip_domains.domain
),

matched as (
    select
        candidates.activity_id,
        coalesce(
            candidates.contact_match,
            candidates.lead_match,
            candidates.email_domain_match,
            candidates.ip_domain_match
        ) as account_id,
        case
            when candidates.contact_match is not null then 'contact_email'
            when candidates.lead_match is not null then 'lead_email'
            when candidates.email_domain_match is not null then 'email_domain'
            when candidates.ip_domain_match is not null then 'ip_domain'
        end as matched_by,
        case
            when coalesce(
                candidates.contact_match,
                candidates.lead_match,
                candidates.email_domain_match,
                candidates.ip_domain_match
            ) is not null then null
            when candidates.email is null and candidates.ip_domain is null then 'no_email_or_ip_domain'
            when candidates.is_free_mail and candidates.ip_domain is null then 'free_mail_unknown_person'
            else 'domain_not_in_universe'
        end as unmatched_reason,
        case when candidates.contact_match is not null then candidates.contact_id end as contact_id,
        case
            when candidates.contact_match is null and candidates.lead_match is not null
                then candidates.lead_id
        end as lead_id,
        candidates.email,
        candidates.ip_domain,
        candidates.activity_type,
        candidates.channel,
        candidates.activity_date,
        candidates.occurred_at
    from candidates
),

final as (
    select
        matched.activity_id,
        matched.account_id,
        matched.matched_by,
        match_rules.match_confidence,
        matched.unmatched_reason,
        matched.contact_id,
        matched.lead_id,
        matched.email,
        matched.ip_domain,
        matched.activity_type,
        matched.channel,
        matched.activity_date,
        matched.occurred_at
    from matched
    left join match_rules
        on matched.matched_by = match_rules.matched_by
)

select * from final
