{#- One row per account, Bombora topic and week: the week's composite score (the
    highest of the account's domains) with the account's own baseline for that
    topic, the average score of the var intent_baseline_weeks calendar weeks
    before it. Incremental: a run re-computes the weeks from the latest stored week
    minus var intent_late_arrival_weeks (late files) onwards; the baseline weeks
    before them are the stored rows (aggregated once, not re-read from every
    surge). An account whose identity changed (int_intent_account_identities:
    another set of domains, or merged away) loses its stored rows in the pre-hook and
    gets its whole history re-computed, so an incremental run equals a full build.
    Spark (insert_overwrite by week) re-computes the window only, its baseline from
    the surges: run --full-refresh there after identity changes. Surge flags, topic
    weights and decay are applied downstream (account_intent_scores), so changing
    those rules never needs a full refresh here. -#}
{%- set replaces_rows = incremental_replaces_rows() -%}
{{
    config(**partitioned_incremental(
        'week_start_date',
        unique_key=['account_id', 'topic_name', 'week_start_date'],
        pre_hook="{{ forget_changed_identities(this, ref('int_intent_account_identities')) }}",
    ))
}}
{%- set days_since_epoch_monday = dbt.datediff(
    "cast('2000-01-03' as date)", 'account_weeks.week_start_date', 'day'
) -%}
with

surges as (
    select * from {{ ref('stg_intent__bombora_surges') }}
),

signal_domains as (
    select * from {{ ref('int_signal_domains_matched_to_accounts') }}
    where record_source = 'bombora' and account_id is not null
),

identities as (
    select * from {{ ref('int_intent_account_identities') }}
),

{% if is_incremental() %}
reprocess as (
    select
        {{ dbt.dateadd('day', -7 * var('intent_late_arrival_weeks'), 'max(this_model.week_start_date)') }}
        as from_week
    from {{ this }} as this_model
),

-- The first surge week read: the window's (the baselines before it are stored rows) or,
-- where rows cannot be replaced, its baseline weeks' too; every week when none is stored.
surges_read_from as (
    select
        coalesce(
            {{ 'reprocess.from_week' if replaces_rows
                else dbt.dateadd('day', -7 * var('intent_baseline_weeks'), 'reprocess.from_week') }},
            cast('1900-01-01' as date)
        ) as week_start_date
    from reprocess
),

{% if replaces_rows %}
-- After the pre-hook, an account without stored rows is new or changed: all its weeks.
unstored_account_domains as (
    select signal_domains.*
    from signal_domains
    where signal_domains.account_id not in (
        select this_model.account_id from {{ this }} as this_model
    )
),
{% endif %}
{% endif %}

-- The surges to aggregate, each with the account of its domain.
matched_surges as (
    select
        signal_domains.account_id,
        surges.topic_name,
        surges.week_start_date,
        surges.cluster_name,
        surges.composite_score,
        surges.domain
    from surges
    inner join signal_domains
        on lower(trim(surges.domain)) = signal_domains.domain
    {% if is_incremental() %}
        where surges.week_start_date >= (select surges_read_from.week_start_date from surges_read_from)
        {% if replaces_rows %}
            union all
            select
                unstored_account_domains.account_id,
                surges.topic_name,
                surges.week_start_date,
                surges.cluster_name,
                surges.composite_score,
                surges.domain
            from surges
            inner join unstored_account_domains
                on lower(trim(surges.domain)) = unstored_account_domains.domain
            where surges.week_start_date < (select reprocess.from_week from reprocess)
        {% endif %}
    {% else %}
        where surges.week_start_date is not null
    {% endif %}
),

account_weeks as (
    select
        account_id,
        trim(topic_name) as topic_name,
        week_start_date,
        max(cluster_name) as cluster_name,
        max(composite_score) as composite_score,
        count(distinct domain) as domain_count
    from matched_surges
    group by account_id, trim(topic_name), week_start_date
),

computed as (
    select
        account_weeks.account_id,
        account_weeks.topic_name,
        account_weeks.cluster_name,
        account_weeks.week_start_date,
        account_weeks.composite_score,
        account_weeks.domain_count,
        -- Weeks since a fixed Monday: RANGE frames over an integer are portable.
        cast(
            floor({{ days_since_epoch_monday }} / 7)
            as {{ dbt.type_bigint() }}
        ) as week_number,
        {% if is_incremental() and not replaces_rows -%}
            -- the baseline weeks before the window are read, not written
            coalesce(account_weeks.week_start_date >= reprocess.from_week, true) as is_computed
        {%- else -%}
            true as is_computed
        {%- endif %}
    from account_weeks
    {% if is_incremental() and not replaces_rows -%}
        cross join reprocess
    {%- endif %}
    where account_weeks.composite_score is not null
),

numbered as (
    select * from computed
    {% if is_incremental() and replaces_rows %}
        -- The baseline weeks before the window: the stored rows of the accounts kept.
        union all
        select
            this_model.account_id,
            this_model.topic_name,
            cast(null as {{ dbt.type_string() }}) as cluster_name,
            this_model.week_start_date,
            this_model.composite_score,
            cast(null as {{ dbt.type_int() }}) as domain_count,
            this_model.week_number,
            false as is_computed
        from {{ this }} as this_model
        cross join reprocess
        where
            this_model.week_start_date < reprocess.from_week
            and this_model.week_start_date
            >= {{ dbt.dateadd('day', -7 * var('intent_baseline_weeks'), 'reprocess.from_week') }}
    {% endif %}
),

with_baseline as (
    select
        numbered.account_id,
        numbered.topic_name,
        numbered.cluster_name,
        numbered.week_start_date,
        numbered.week_number,
        numbered.composite_score,
        numbered.domain_count,
        numbered.is_computed,
        avg(numbered.composite_score) over (
            partition by numbered.account_id, numbered.topic_name
            order by numbered.week_number
            range between {{ var('intent_baseline_weeks') }} preceding and 1 preceding
        ) as baseline_score,
        count(numbered.composite_score) over (
            partition by numbered.account_id, numbered.topic_name
            order by numbered.week_number
            range between {{ var('intent_baseline_weeks') }} preceding and 1 preceding
        ) as baseline_week_count
    from numbered
),

final as (
    select
        with_baseline.account_id,
        with_baseline.topic_name,
        with_baseline.cluster_name,
        with_baseline.week_start_date,
        with_baseline.week_number,
        cast(with_baseline.composite_score as {{ type_double() }}) as composite_score,
        cast(with_baseline.baseline_score as {{ type_double() }}) as baseline_score,
        cast(with_baseline.baseline_week_count as {{ dbt.type_int() }}) as baseline_week_count,
        cast(
            with_baseline.composite_score - with_baseline.baseline_score as {{ type_double() }}
        ) as score_vs_baseline,
        cast(with_baseline.domain_count as {{ dbt.type_int() }}) as domain_count,
        identities.identity_key
    from with_baseline
    inner join identities on with_baseline.account_id = identities.account_id
    {% if is_incremental() %}
        -- (a full build computes every row; a filter here costs it a slower plan)
        where with_baseline.is_computed
    {% endif %}
)

select * from final
