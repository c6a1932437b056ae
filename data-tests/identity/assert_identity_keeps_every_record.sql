-- Identity resolution never drops a record: every staged CRM account, contact,
-- lead and activity has exactly one row in its match model (matched or not).
with

counts as (
    select
        'crm_account' as record_source,
        (select count(*) from {{ ref('stg_crm__accounts') }}) as staged_count,
        (select count(*) from {{ ref('account_id_map') }}) as matched_count

    union all

    select
        'contact' as record_source,
        (select count(*) from {{ ref('stg_crm__contacts') }}) as staged_count,
        (select count(*) from {{ ref('int_contacts_matched_to_accounts') }}) as matched_count

    union all

    select
        'lead' as record_source,
        (select count(*) from {{ ref('stg_crm__leads') }}) as staged_count,
        (select count(*) from {{ ref('lead_account_matches') }}) as matched_count

    union all

    select
        'activity' as record_source,
        (select count(*) from {{ ref('stg_engagement__activities') }}) as staged_count,
        (select count(*) from {{ ref('int_activities_matched_to_accounts') }}) as matched_count
),

final as (
    select
        counts.record_source,
        counts.staged_count,
        counts.matched_count
    from counts
    where counts.staged_count != counts.matched_count
)

select * from final
