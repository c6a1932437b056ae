{#- One row per record and issue found in staging and identity resolution: values
    that could not be parsed (staging's invalid_values), opportunities without a
    known account, negative or absurd amounts, closed deals dated after the latest event date in the data,
    hierarchy cycles and missing parents, and records that could not be matched to
    an account. Nothing flagged here is dropped upstream. -#}
{%- set invalid_value_sources = [
    ('crm', 'account', 'stg_crm__accounts', 'account_id'),
    ('crm', 'contact', 'stg_crm__contacts', 'contact_id'),
    ('crm', 'lead', 'stg_crm__leads', 'lead_id'),
    ('crm', 'opportunity', 'stg_crm__opportunities', 'opportunity_id'),
    ('crm', 'task', 'stg_crm__tasks', 'task_id'),
    ('enrichment', 'company', 'stg_enrichment__companies', 'domain'),
    ('engagement', 'activity', 'stg_engagement__activities', 'activity_id'),
] -%}
{%- set opportunity_checks = [
    ('is_missing_account', 'opportunity_without_account', "'account_id is empty'"),
    ('is_unknown_account', 'opportunity_unknown_account',
        dbt.concat(["'account_id '", "opportunities.crm_account_id", "' is not a CRM account'"])),
    ('is_negative_amount', 'negative_amount',
        dbt.concat(["'amount '", dbt.safe_cast('opportunities.amount', dbt.type_string())])),
    ('is_absurd_amount', 'absurd_amount',
        dbt.concat(["'amount '", dbt.safe_cast('opportunities.amount', dbt.type_string()),
            "' above '", "'" ~ var('identity_absurd_amount_usd') ~ "'"])),
    ('is_closed_in_future', 'closed_in_future',
        dbt.concat(["'close_date '", dbt.safe_cast('opportunities.close_date', dbt.type_string()),
            "' after the latest event date'"])),
] -%}
with

opportunities as (
    select * from {{ ref('int_opportunities_checked') }}
),

hierarchy as (
    select * from {{ ref('int_account_hierarchy') }}
),

crm_map as (
    select * from {{ ref('int_crm_accounts_mapped_to_masters') }}
),

contacts as (
    select * from {{ ref('int_contacts_matched_to_accounts') }}
),

leads as (
    select * from {{ ref('int_leads_matched_to_accounts') }}
),

activities as (
    select * from {{ ref('int_activities_matched_to_accounts') }}
),

signal_domains as (
    select * from {{ ref('int_signal_domains_matched_to_accounts') }}
),

issues as (
    {%- for source_system, table_name, model, key in invalid_value_sources %}
        select
            '{{ source_system }}' as source_name,
            '{{ table_name }}' as table_name,
            cast({{ model }}.{{ key }} as {{ dbt.type_string() }}) as record_id,
            'unparseable_value' as issue,
            {{ model }}.invalid_values as detail
        from {{ ref(model) }} as {{ model }}
        where {{ model }}.invalid_values is not null

        union all
    {% endfor %}

    select
        'intent' as source_name,
        'bombora_surge' as table_name,
        {{ dbt.concat([
            "bombora.domain", "'|'", "bombora.topic_name", "'|'",
            dbt.safe_cast('bombora.week_start_date', dbt.type_string()),
        ]) }} as record_id,
        'unparseable_value' as issue,
        bombora.invalid_values as detail
    from {{ ref('stg_intent__bombora_surges') }} as bombora
    where bombora.invalid_values is not null

    {%- for flag, issue, detail in opportunity_checks %}

        union all

        select
            'crm' as source_name,
            'opportunity' as table_name,
            opportunities.opportunity_id as record_id,
            '{{ issue }}' as issue,
            {{ detail }} as detail
        from opportunities
        where opportunities.{{ flag }}
    {%- endfor %}

    union all

    select
        'identity' as source_name,
        'account_hierarchy' as table_name,
        hierarchy.account_id as record_id,
        case
            when hierarchy.hierarchy_status = 'cycle' then 'hierarchy_cycle'
            else 'hierarchy_depth_exceeded'
        end as issue,
        'parent chain does not end within identity_max_hierarchy_depth' as detail
    from hierarchy
    where hierarchy.hierarchy_status != 'ok'

    union all

    select
        'identity' as source_name,
        'account_hierarchy' as table_name,
        hierarchy.account_id as record_id,
        'missing_parent' as issue,
        {{ dbt.concat(["hierarchy.parent_source", "' names '", "hierarchy.named_parent", "', which is unknown'"]) }}
            as detail
    from hierarchy
    where hierarchy.is_parent_missing

    union all

    select
        'crm' as source_name,
        'account' as table_name,
        crm_map.source_account_id as record_id,
        'ambiguous_account_name' as issue,
        'no domain, and its normalized name belongs to several domains: not merged' as detail
    from crm_map
    where crm_map.is_ambiguous_name

    union all

    select
        'crm' as source_name,
        'contact' as table_name,
        contacts.contact_id as record_id,
        'unmatched_record' as issue,
        contacts.unmatched_reason as detail
    from contacts
    where contacts.account_id is null

    union all

    select
        'crm' as source_name,
        'lead' as table_name,
        leads.lead_id as record_id,
        'unmatched_record' as issue,
        leads.unmatched_reason as detail
    from leads
    where leads.account_id is null

    union all

    select
        'engagement' as source_name,
        'activity' as table_name,
        activities.activity_id as record_id,
        'unmatched_record' as issue,
        activities.unmatched_reason as detail
    from activities
    where activities.account_id is null

    union all

    select
        case
            when signal_domains.record_source in ('enrichment', 'engagement') then signal_domains.record_source
            else 'intent'
        end as source_name,
        case
            when signal_domains.record_source = 'enrichment' then 'company'
            when signal_domains.record_source = 'engagement' then 'activity_ip_domain'
            when signal_domains.record_source = 'bombora' then 'bombora_surge'
            else 'g2_buyer_intent'
        end as table_name,
        signal_domains.domain as record_id,
        'unmatched_record' as issue,
        signal_domains.unmatched_reason as detail
    from signal_domains
    where signal_domains.account_id is null
),

final as (
    select
        {{ dbt.hash(dbt.concat(["issues.source_name", "'|'", "issues.table_name", "'|'",
            "issues.record_id", "'|'", "issues.issue"])) }} as issue_id,
        issues.source_name,
        issues.table_name,
        issues.record_id,
        issues.issue,
        issues.detail
    from issues
)

select * from final
